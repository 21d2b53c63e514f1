import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/**
 * For an HTML answer that sets none (the mini-app's pages and the API docs set their own): the
 * printable annual report, say — its own <style>, no script at all.
 */
export const HTML_CSP =
  "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'self'; base-uri 'none'; form-action 'self'";

/** The OpenAPI document and its page under /docs, and a strict policy for every other HTML answer. */
export const apiDocs = fp(async (app: FastifyInstance, o: { version: string }) => {
  await app.register(swagger, {
    openapi: {
      info: {
        title: '督办通 API',
        description: '计划、任务、责任单位与台账的接口。错误统一为 {code, message}。',
        version: o.version,
      },
    },
    transform: jsonSchemaTransform,
  });
  // the API docs carry their own CSP (hashes of swagger-ui's inline scripts)
  // (kept on plain HTTP: no upgrade-insecure-requests; nothing from other hosts; swagger-ui sets
  // style attributes from script, so styles may be inline — scripts stay hashed)
  await app.register(swaggerUi, {
    routePrefix: '/docs',
    staticCSP: true,
    transformStaticCSP: (header) =>
      header
        .replace(/\s*upgrade-insecure-requests;?/, '')
        .replace(' validator.swagger.io', '')
        .replace("font-src 'self' https: data:", "font-src 'self' data:")
        .replace(/style-src 'self' https:\s*/, "style-src 'self' 'unsafe-inline'"),
    uiConfig: { validatorUrl: null },
  });
  // any other HTML answer gets a strict policy: no script, no frame, no form posting elsewhere
  app.addHook('onSend', (_req, reply, payload, done) => {
    const type = reply.getHeader('content-type');
    if (typeof type === 'string' && type.startsWith('text/html') && !reply.hasHeader('content-security-policy'))
      reply.header('content-security-policy', HTML_CSP).header('x-content-type-options', 'nosniff');
    done(null, payload);
  });
});
