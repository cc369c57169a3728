// One error type and one handler for the whole server. Modules throw AppError with a code from
// their catalogue; the handler renders { error: { code, message } } and hides the text of any
// unexpected error so that nothing internal (a stack, a SQL fragment, a key) reaches a client.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

export class AppError extends Error {
  override name = 'AppError';
  readonly statusCode: number;
  readonly code: string;
  /** Extra fields rendered beside code and message (never secrets). */
  readonly details: Record<string, unknown> | undefined;
  /** Headers to send with the error (Retry-After, …). */
  readonly headers: Record<string, string> | undefined;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { details?: Record<string, unknown>; headers?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.statusCode = statusCode;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers;
  }
}

/** Codes shared by every module (DESIGN §6). Modules keep their own catalogues for the rest. */
export const commonErrors = {
  unauthenticated: () => new AppError(401, 'unauthenticated', 'You must be signed in.'),
  forbidden: () => new AppError(403, 'forbidden', 'You are not allowed to do this.'),
  notFound: (what = 'The resource') => new AppError(404, 'not_found', `${what} was not found.`),
  invalidRequest: (message: string, details?: Record<string, unknown>) =>
    new AppError(400, 'invalid_request', message, details ? { details } : {}),
};

export type ErrorBody = { error: { code: string; message: string; [extra: string]: unknown } };

/** Maps any thrown value to the status and body we answer with. */
export function toErrorResponse(error: unknown): {
  statusCode: number;
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  if (error instanceof AppError) {
    return {
      statusCode: error.statusCode,
      body: { error: { code: error.code, message: error.message, ...error.details } },
      headers: error.headers,
    };
  }
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((issue) => ({
      path: issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || '(body)',
      message: issue.message ?? 'is invalid',
    }));
    const first = issues[0];
    const message = first ? `Invalid request: ${first.path} ${first.message}`.trim() : 'Invalid request.';
    return { statusCode: 400, body: { error: { code: 'invalid_request', message, issues } } };
  }
  const fastifyError = error as Partial<FastifyError> | undefined;
  switch (fastifyError?.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        statusCode: 413,
        body: { error: { code: 'payload_too_large', message: 'The request body is too large.' } },
      };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        statusCode: 400,
        body: { error: { code: 'invalid_request', message: 'The request body is not valid JSON.' } },
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        statusCode: 415,
        body: { error: { code: 'unsupported_media_type', message: 'Send the request body as application/json.' } },
      };
  }
  if (fastifyError?.validation) {
    return {
      statusCode: 400,
      body: { error: { code: 'invalid_request', message: `Invalid request: ${fastifyError.message ?? ''}`.trim() } },
    };
  }
  const statusCode = fastifyError?.statusCode;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    return {
      statusCode,
      body: {
        error: {
          code: statusCode === 404 ? 'not_found' : 'invalid_request',
          message: fastifyError?.message ?? 'Bad request.',
        },
      },
    };
  }
  return { statusCode: 500, body: { error: { code: 'internal_error', message: 'Something went wrong on our side.' } } };
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
    reply
      .status(404)
      .send({ error: { code: 'not_found', message: `No route for ${request.method} ${request.url.split('?')[0]}.` } }),
  );
}
