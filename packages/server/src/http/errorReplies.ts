import type { FastifyError, FastifyInstance } from 'fastify';
import { AppError } from '../errors.js';

interface ValidationIssue {
  instancePath?: string;
  message?: string;
  params?: { missingProperty?: string };
}

/** Ajv's complaint as "field: what is wrong", so the message names the field. */
function describeValidation(issues: ValidationIssue[], context: string | undefined): string {
  const first = issues[0];
  const path = (first?.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
  const field = first?.params?.missingProperty ? [path, first.params.missingProperty].filter(Boolean).join('.') : path;
  return `${field || context || 'request'}: ${first?.message ?? 'is invalid'}`;
}

/** Every failure leaves the server in the catalogue's shape: never a stack trace, never a 500 for bad input. */
export function installErrorReplies(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let error: AppError;
    if (err instanceof AppError) {
      error = err;
    } else if ((err as FastifyError).validation) {
      const fe = err as FastifyError;
      error = new AppError('invalid_request', describeValidation(fe.validation as ValidationIssue[], fe.validationContext));
    } else if ((err as FastifyError).statusCode === 429) {
      error = new AppError('rate_limited', err.message);
    } else if ((err as FastifyError).statusCode === 413) {
      error = new AppError('payload_too_large', 'request body is too large');
    } else if ((err as FastifyError).statusCode === 415) {
      error = new AppError('invalid_request', 'body: send JSON with Content-Type: application/json');
    } else if ((err as FastifyError).statusCode && (err as FastifyError).statusCode! < 500) {
      error = new AppError('invalid_request', err.message);
    } else {
      request.log.error({ err }, 'request failed');
      error = new AppError('internal_error', 'internal error');
    }
    if (error.retryAfterSec !== undefined) void reply.header('retry-after', String(error.retryAfterSec));
    // Refused before its body was read (an upload over the limit): the rest of it would occupy
    // the connection, and a browser reusing it for the next request would wait on it. Close it.
    if (!request.raw.complete) void reply.header('connection', 'close');
    return reply.status(error.status).send({ error: error.toBody() });
  });

  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ error: { code: 'not_found', message: `no route ${request.method} ${request.url.split('?')[0]}` } });
  });
}
