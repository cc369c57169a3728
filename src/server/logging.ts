// pino options for the whole server. Keys and secrets never reach a log line: headers that carry
// credentials and every field named like a key are redacted, and errors are serialised to a fixed
// set of fields (an SDK error's enumerable properties can hold request headers or bodies).
import type { FastifyServerOptions } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["x-goog-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers.cookie',
  'apiKey',
  '*.apiKey',
  'api_key',
  '*.api_key',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
  'ciphertext',
  '*.ciphertext',
];

function serializeError(error: unknown) {
  if (!(error instanceof Error)) return { message: String(error) };
  const withCode = error as Error & { code?: unknown; statusCode?: unknown };
  return {
    type: error.name,
    message: error.message,
    code: typeof withCode.code === 'string' ? withCode.code : undefined,
    statusCode: typeof withCode.statusCode === 'number' ? withCode.statusCode : undefined,
    stack: error.stack,
  };
}

export function loggerOptions(level: string, stream?: DestinationStream): FastifyServerOptions['logger'] {
  const options: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    serializers: { err: serializeError, error: serializeError },
  };
  return stream ? { ...options, stream } : options;
}
