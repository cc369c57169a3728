// /v1 speaks OpenAI's error shape, {"error": {"message", "type", "code", "param"}}, with WeBox's
// codes as `code`, so OpenAI clients raise their usual exceptions.
import type { FastifyInstance } from 'fastify';
import type { OpenAiErrorBody } from '../../shared/api-errors.ts';
import { AppError, commonErrors, toErrorResponse } from '../errors.ts';

function typeForStatus(status: number): OpenAiErrorBody['error']['type'] {
  if (status === 401) return 'authentication_error';
  if (status === 403) return 'permission_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function toOpenAiError(error: unknown): {
  statusCode: number;
  body: OpenAiErrorBody;
  headers?: Record<string, string>;
} {
  const { statusCode, body, headers } = toErrorResponse(error);
  const param = error instanceof AppError && typeof error.details?.param === 'string' ? error.details.param : null;
  // Billing's refusals say why and where to subscribe, on /v1 as on /api (DESIGN §6 "Billing").
  const billing =
    error instanceof AppError && typeof error.details?.subscribeUrl === 'string'
      ? {
          reason: typeof error.details.reason === 'string' ? error.details.reason : null,
          subscribeUrl: error.details.subscribeUrl,
        }
      : {};
  // A budget's refusal says which limit, what is left and which model would fit, on /v1 as on /api.
  const budget =
    error instanceof AppError && error.code === 'quota_exceeded' && error.details?.quota
      ? {
          quota: error.details.quota as OpenAiErrorBody['error']['quota'],
          suggestion: (error.details.suggestion ?? null) as OpenAiErrorBody['error']['suggestion'],
        }
      : {};
  return {
    statusCode,
    headers,
    body: {
      error: {
        message: body.error.message,
        type: typeForStatus(statusCode),
        code: body.error.code,
        param,
        ...billing,
        ...budget,
      },
    },
  };
}

/** The /v1 scope's error and not-found handlers (the rest of WeBox keeps the common shape). */
export function installOpenAiErrorHandling(scope: FastifyInstance) {
  scope.setErrorHandler((error, request, reply) => {
    const response = toOpenAiError(error);
    if (response.statusCode >= 500) request.log.error({ err: error }, 'gateway request failed');
    if (response.headers) reply.headers(response.headers);
    return reply.status(response.statusCode).send(response.body);
  });
  scope.setNotFoundHandler((request, reply) =>
    reply.status(404).send(toOpenAiError(commonErrors.noRoute(request.method, request.url)).body),
  );
}
