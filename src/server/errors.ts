// One error type and one handler for the whole server. Modules throw AppError with a code from
// their catalogue; the handler renders { error: { code, message } } and hides the text of any
// unexpected error so that nothing internal (a stack, a SQL fragment, a key) reaches a client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import type { ErrorCode } from '../shared/error-codes.ts';

export class AppError extends Error {
  override name = 'AppError';
  readonly statusCode: number;
  readonly code: ErrorCode;
  /** Extra fields rendered beside code and message (never secrets). */
  readonly details: Record<string, unknown> | undefined;
  /** Headers to send with the error (Retry-After, …). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    statusCode: number,
    code: ErrorCode,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }

  /** The same error with what caused it (never rendered: e.g. the provider's own failure). */
  withCause(cause: unknown): AppError {
    return new AppError(this.statusCode, this.code, this.message, {
      details: this.details,
      headers: this.headers,
      cause,
    });
  }

  /** The same error with more fields beside code and message. */
  withDetails(details: Record<string, unknown>): AppError {
    return new AppError(this.statusCode, this.code, this.message, {
      details: { ...this.details, ...details },
      headers: this.headers,
      cause: this.cause,
    });
  }

  /** The same error with more headers (a refusal that must also carry the rate-limit window). */
  withHeaders(headers: Record<string, string>): AppError {
    return new AppError(this.statusCode, this.code, this.message, {
      details: this.details,
      headers: { ...headers, ...this.headers },
      cause: this.cause,
    });
  }
}

/**
 * Codes shared by every module (DESIGN §6), and the error handler's own. Modules keep their own
 * catalogues for the rest (`<module>-errors.ts`).
 */
export const commonErrors = {
  unauthenticated: () => new AppError(401, 'unauthenticated', 'You must be signed in.'),
  forbidden: () => new AppError(403, 'forbidden', 'You are not allowed to do this.'),
  notFound: (what = 'The resource') => new AppError(404, 'not_found', `${what} was not found.`),
  noRoute: (method: string, url: string) =>
    new AppError(404, 'not_found', `No route for ${method} ${url.split('?')[0]}.`),
  invalidRequest: (message: string, details?: Record<string, unknown>) =>
    new AppError(400, 'invalid_request', message, details ? { details } : {}),
  /** invalid_request naming the parameter at fault (`param`, which /v1 answers in OpenAI's field). */
  invalidParameter: (message: string, param: string) =>
    new AppError(400, 'invalid_request', message, { details: { param } }),
  invalidJson: () => new AppError(400, 'invalid_request', 'The request body is not valid JSON.'),
  payloadTooLarge: () => new AppError(413, 'payload_too_large', 'The request body is too large.'),
  unsupportedMediaType: () => new AppError(415, 'unsupported_media_type', 'Send the request body as application/json.'),
  /** A refusal Fastify raised itself (a 4xx we have no code of our own for): its status and words. */
  fastifyRefusal: (statusCode: number, message: string) =>
    new AppError(statusCode, statusCode === 404 ? 'not_found' : 'invalid_request', message),
  /** What a client is told of an unexpected failure: nothing of it (the log has it). */
  internal: () => new AppError(500, 'internal_error', 'Something went wrong on our side.'),
};

export type ErrorBody = { error: { code: ErrorCode; message: string; [extra: string]: unknown } };

/** What anything thrown is to the client: an AppError as it is, the rest in a code of ours. */
function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)',
      message: issue.message ?? 'is invalid',
    }));
    const first = issues[0];
    const message = first ? `Invalid request: ${first.path} ${first.message}`.trim() : 'Invalid request.';
    return commonErrors.invalidRequest(message, { issues });
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return commonErrors.payloadTooLarge();
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return commonErrors.invalidJson();
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return commonErrors.unsupportedMediaType();
  }
  if (fastifyError?.validation) {
    return commonErrors.invalidRequest(`Invalid request: ${fastifyError.message ?? ''}`.trim());
  }
  const statusCode = fastifyError?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return commonErrors.fastifyRefusal(statusCode, fastifyError?.message ?? 'Bad request.');
  }
  return commonErrors.internal();
}

/** Maps any thrown value to the status and body we answer with. */
export function toErrorResponse(error: unknown): {
  statusCode: number;
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  const known = toAppError(error);
  return {
    statusCode: known.statusCode,
    body: { error: { code: known.code, message: known.message, ...known.details } },
    headers: known.headers,
  };
}

/** Installs the one error handler and the JSON 404. Call once, on the root instance. */
export function installErrorHandling(app: FastifyInstance) {
  app.setErrorHandler((error: unknown, request: FastifyRequest, reply: FastifyReply) => {
    const response = toErrorResponse(error);
    if (response.statusCode >= 500) {
      request.log.error({ err: error }, 'request failed');
    } else {
      request.log.info({ code: response.body.error.code, statusCode: response.statusCode }, 'request refused');
    }
    if (response.headers) reply.headers(response.headers);
    return reply.status(response.statusCode).send(response.body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send(toErrorResponse(commonErrors.noRoute(request.method, request.url)).body),
  );
}
