import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorBody } from '../../../shared/errors.js';
import { AppError } from '../errors.js';
import { HTTP_STATUS } from './status.js';
import type { Log } from '../model/runtime.js';

const FIELD_NAMES: Record<string, string> = {
  querystring: '查询参数',
  params: '路径参数',
  body: '请求体',
  headers: '请求头',
};

/**
 * One error answer for the whole API (ARCHITECTURE rule 5): `{code, message, details?}` with a
 * Chinese message; a validation failure names the field; a 5xx is logged, never shown.
 */
export const errorAnswers = fp(async (app: FastifyInstance, o: { log: Log }) => {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    if (error instanceof AppError) {
      const body: ErrorBody = {
        code: error.code,
        message: error.message,
        ...(error.details ? { details: error.details } : {}),
      };
      return reply.status(HTTP_STATUS[error.code]).send(body);
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const where = FIELD_NAMES[error.validationContext ?? ''] ?? '请求';
      const details = error.validation.map((v) => ({
        path: v.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(整体)',
        message: v.message ?? '格式不正确',
      }));
      const first = details[0]!;
      const body: ErrorBody = {
        code: 'VALIDATION_FAILED',
        message: `${where}有误:${first.path} ${first.message}`,
        details,
      };
      return reply.status(400).send(body);
    }
    if (error.statusCode === 413)
      return reply.status(413).send({ code: 'PAYLOAD_TOO_LARGE', message: '请求内容太大' } satisfies ErrorBody);
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({ code: 'BAD_REQUEST', message: `请求无法处理:${error.message}` } satisfies ErrorBody);
    }
    req.log.error({ err: error }, 'unhandled error');
    o.log.error(`${req.method} ${req.url} failed: ${error.stack ?? error.message}`);
    return reply.status(500).send({
      code: 'INTERNAL',
      message: '服务器内部错误,已记录日志。请稍后重试,如持续出现请联系管理员',
    } satisfies ErrorBody);
  });
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ code: 'NOT_FOUND', message: `没有这个地址:${req.method} ${req.url.split('?')[0]}` } satisfies ErrorBody),
  );
});
