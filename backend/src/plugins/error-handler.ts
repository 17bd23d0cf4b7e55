import type { IncomingMessage } from 'node:http';
import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type ERROR_CODES } from '../errors.js';

// Fastify's own errors (body limits, bad JSON, bad content type) mapped to our codes.
const FASTIFY_CODES: Record<string, keyof typeof ERROR_CODES> = {
  FST_ERR_CTP_BODY_TOO_LARGE: 'payload_too_large',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'unsupported_media_type',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'invalid_body',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'invalid_body',
  FST_ERR_CTP_INVALID_JSON_BODY: 'invalid_body',
  FST_ERR_VALIDATION: 'invalid_body',
};

// What pg throws, without a code, for a connection the server dropped or one the pool could not open.
const PG_CONNECTION_LOST =
  /^(Connection terminated( unexpectedly| due to connection timeout)?|timeout exceeded when trying to connect|Client has encountered a connection error and is not queryable)$/;

function isStoreDown(err: unknown): boolean {
  const code = (err as { code?: unknown })?.code;
  const message = (err as { message?: unknown })?.message;
  if (code === undefined && typeof message === 'string' && PG_CONNECTION_LOST.test(message)) return true;
  // SQLSTATE class 08: connection exceptions.
  if (typeof code === 'string' && /^08[0-9A-Z]{3}$/.test(code)) return true;
  return (
    typeof code === 'string' &&
    [
      'ECONNREFUSED',
      'ECONNRESET',
      'ETIMEDOUT',
      'ENOSPC',
      'EROFS',
      'EACCES',
      'SQLITE_BUSY',
      'SQLITE_FULL',
      '57P01',
      '57P02',
      '57P03',
      '53300',
    ].includes(code)
  );
}

/** Node's error for a request whose socket closed before its body ended (`abortIncoming`). */
function clientAborted(err: unknown, raw: IncomingMessage): boolean {
  const e = err as { code?: unknown; message?: unknown };
  return raw.readableAborted || (e.code === 'ECONNRESET' && e.message === 'aborted');
}

/**
 * Answers every error as `{ error: { code, message, details? } }` with the right status, and
 * never leaks internals: unknown errors are logged with their stack and answered as a bare 500.
 */
async function errorHandler(app: FastifyInstance): Promise<void> {
  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    let appError: AppError;
    if (err instanceof AppError) appError = err;
    else if (err.code && FASTIFY_CODES[err.code]) {
      appError = new AppError(FASTIFY_CODES[err.code] as keyof typeof ERROR_CODES, err.message);
    } else if (clientAborted(err, request.raw)) {
      // The client went away mid-body: nothing an operator must act on, and no stack to read.
      // Checked before isStoreDown, which would take its ECONNRESET for a lost database.
      request.log.info({ code: err.code }, 'client aborted the request');
      appError = new AppError('invalid_body', 'the client closed the connection before the body ended');
    } else if (isStoreDown(err)) {
      request.log.error({ err }, 'store unavailable');
      appError = new AppError('store_unavailable', undefined, { retryAfter: 5 });
    } else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) {
      appError = new AppError(
        err.statusCode === 413
          ? 'payload_too_large'
          : err.statusCode === 415
            ? 'unsupported_media_type'
            : 'invalid_body',
        err.message,
      );
    } else {
      request.log.error({ err }, 'unhandled error');
      appError = new AppError('internal');
    }
    if (appError.retryAfter !== undefined) reply.header('retry-after', String(appError.retryAfter));
    const body: { error: { code: string; message: string; details?: unknown } } = {
      error: { code: appError.code, message: appError.message },
    };
    if (appError.details !== undefined) body.error.details = appError.details;
    return reply.status(appError.status).send(body);
  });

  app.setNotFoundHandler((_request, reply) => {
    return reply.status(404).send({ error: { code: 'not_found', message: 'route not found' } });
  });
}

export default fp(errorHandler, { name: 'error-handler' });
