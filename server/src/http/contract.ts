import type { FastifyInstance, FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { z } from 'zod';
import type { ApiEntry } from '../../../shared/api.js';
import { ErrorBody } from '../../../shared/errors.js';
import type { Action } from '../auth/permissions.js';
import type { RouteAuth } from '../auth/auth-hook.js';

/** What a contract part parses to on the server (after coercion and defaults). */
type Parsed<E, K extends 'params' | 'query' | 'body'> = E extends { readonly [P in K]: infer S extends z.ZodType }
  ? z.output<S>
  : unknown;

/** A request whose params, query and body are typed by the route's contract entry. */
export type ContractRequest<E extends ApiEntry> = FastifyRequest<{
  Params: Parsed<E, 'params'>;
  Querystring: Parsed<E, 'query'>;
  Body: Parsed<E, 'body'>;
}>;

/** A handler answers with the entry's response (checked by its schema) or sends the reply itself. */
export type ContractHandler<E extends ApiEntry> = (
  req: ContractRequest<E>,
  reply: FastifyReply,
) => Promise<(E extends { readonly response: infer R extends z.ZodType } ? z.input<R> : unknown) | FastifyReply>;

/** How a route is reached (auth/permissions.ts), and how the API page describes it. */
export interface RouteDoc {
  config: { action: Action } | { auth: RouteAuth; action?: Action };
  tags: readonly string[];
  summary: string;
  description?: string;
  bodyLimit?: number;
  /** For the API page where the body is not JSON (a multipart upload). */
  consumes?: readonly string[];
}

/** The answers every route may give besides its own: the error body of errors.ts. */
const ERRORS = {
  400: ErrorBody,
  401: ErrorBody,
  403: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  413: ErrorBody,
  415: ErrorBody,
  429: ErrorBody,
  503: ErrorBody,
};

/**
 * Registers a route from its entry in shared/api.ts — method, path, params, query, body and
 * response are written once, there, and read by the mini-app's client too — with the permission
 * and the words for the API page. The handler's request is typed by the same entry.
 */
export function serve<E extends ApiEntry>(
  app: FastifyInstance,
  entry: E,
  doc: RouteDoc,
  handler: ContractHandler<E>,
): void {
  app.route({
    method: entry.method,
    url: entry.path,
    config: doc.config,
    ...(doc.bodyLimit !== undefined ? { bodyLimit: doc.bodyLimit } : {}),
    schema: {
      tags: [...doc.tags],
      summary: doc.summary,
      ...(doc.description ? { description: doc.description } : {}),
      ...(doc.consumes ? { consumes: [...doc.consumes] } : {}),
      ...(entry.params ? { params: entry.params } : {}),
      ...(entry.query ? { querystring: entry.query } : {}),
      ...(entry.body ? { body: entry.body } : {}),
      response: entry.response ? { 200: entry.response, ...ERRORS } : ERRORS,
    },
    // the one cast: Fastify's handler type cannot follow a generic entry; ContractRequest states it
    handler: handler as unknown as RouteHandlerMethod,
  });
}
