import { APICallError } from 'ai';
import type { FastifyBaseLogger } from 'fastify';
import pino, { type Logger } from 'pino';
import { describe, expect, it } from 'vitest';
import { captureLogs } from '../../test/helpers/app.ts';
import { makeKey } from '../../test/helpers/keys.ts';
import { childLoggerFactory, loggerOptions, serializeError } from './logging.ts';

describe('serializeError', () => {
  it('writes fixed fields only, with credentials scrubbed from message, stack and causes', () => {
    const key = makeKey.openai();
    const token = `wbx_${'a1B2c3D4'.repeat(6)}`;
    const error = new APICallError({
      message: `Incorrect API key provided: ${key}`,
      url: `https://api.openai.com/v1/chat/completions?token=${token}`,
      requestBodyValues: { model: 'gpt-4o', apiKey: key },
      statusCode: 401,
      responseHeaders: { 'x-echo': key },
      responseBody: JSON.stringify({ error: { message: key } }),
      cause: new Error(`upstream said Bearer ${token}`),
    });
    const logged = serializeError(error);
    expect(Object.keys(logged).sort()).toEqual(['cause', 'code', 'message', 'stack', 'statusCode', 'type']);
    const text = JSON.stringify(logged);
    expect(text).not.toContain(key.slice(3, 20));
    expect(text).not.toContain(token.slice(4, 20));
    expect(text).not.toContain('api.openai.com');
    expect(logged.message).toBe('Incorrect API key provided: [redacted]');
    expect(logged.type).toBe('AI_APICallError');
  });
});

describe('childLoggerFactory', () => {
  const make = () => {
    const { logs, logStream } = captureLogs();
    const options = loggerOptions('warn') as pino.LoggerOptions;
    const root = pino(options, logStream) as unknown as FastifyBaseLogger;
    const factory = (bindings: Record<string, unknown>, opts: Record<string, unknown>) =>
      childLoggerFactory.call(null as never, root, bindings, opts, {} as never);
    return { logs, factory };
  };

  it("binds the request's id and keeps the parent's level and redaction", () => {
    const { logs, factory } = make();
    const child = factory({ reqId: 'request-1' }, {});
    child.info('not at warn');
    child.warn({ apiKey: 'sk-secret', headers: { authorization: 'Bearer x' } }, 'said');
    expect(logs).toHaveLength(1);
    const line = JSON.parse(logs[0] ?? '{}');
    expect(line).toMatchObject({ reqId: 'request-1', msg: 'said', apiKey: '[redacted]' });
    expect(line.headers.authorization).toBe('[redacted]');
  });

  it("is pino's own child for children of its own, bindings() and a change of level", () => {
    const { logs, factory } = make();
    const child = factory({ reqId: 'request-3' }, {});
    expect((child as unknown as Logger).bindings()).toEqual({ reqId: 'request-3' });
    child.child({ module: 'vault' }).warn('from below');
    child.level = 'info';
    child.info('now heard');
    expect(logs.map((line) => JSON.parse(line))).toMatchObject([
      { reqId: 'request-3', module: 'vault', msg: 'from below' },
      { reqId: 'request-3', msg: 'now heard' },
    ]);
    // The parent is not changed by its child's level.
    factory({ reqId: 'request-4' }, {}).info('not at warn');
    expect(logs).toHaveLength(2);
  });

  it("applies a route's own log level", () => {
    const { logs, factory } = make();
    factory({ reqId: 'request-2' }, { level: 'debug' }).debug('now heard');
    expect(JSON.parse(logs[0] ?? '{}')).toMatchObject({ reqId: 'request-2', msg: 'now heard' });
  });
});
