// The completion pipeline with recording fakes for the vault, the metering and the reply: the
// order every call walks (source → gates → admission → decrypt → upstream → finish), one usage
// record per call whatever happens, and the abort wiring.
import { EventEmitter } from 'node:events';
import type { FastifyReply } from 'fastify';
import { describe, expect, it } from 'vitest';
import type { Config } from '../config.ts';
import { createDrain, shutdownReason } from '../drain.ts';
import { AppError } from '../errors.ts';
import type { AdmissionRequest } from '../metering/admission.ts';
import type { Metering } from '../metering/metering-plugin.ts';
import type { UsageRecord } from '../metering/usage-row.ts';
import { getProvider } from '../providers/registry.ts';
import type { FoundKey, Vault } from '../vault/vault-service.ts';
import {
  type Caller,
  type CompletionGate,
  type CompletionPlan,
  createCompletionPipeline,
  planGate,
  type UpstreamCall,
} from './completion-pipeline.ts';

const openai = getProvider('openai');
const caller: Caller = {
  requestId: 'request-1',
  userId: 'user-1',
  tokenId: 'token-1',
  tokenRequestsPerMinute: 5,
  endpoint: 'gateway',
};

interface Options {
  key?: FoundKey['source'];
  refuseAdmission?: AppError;
  gates?: CompletionGate[];
}

function setUp(options: Options = {}) {
  const steps: string[] = [];
  const records: UsageRecord[] = [];
  const admitted: AdmissionRequest[] = [];
  const finished: unknown[] = [];
  const source = options.key ?? 'global';
  const vault = {
    async findKey() {
      steps.push('findKey');
      if (source === 'none') return { source: 'none' };
      return {
        source,
        decrypt: () => {
          steps.push('decrypt');
          return 'sk-test-key';
        },
      };
    },
  } as unknown as Vault;
  const metering = {
    async admit(request: AdmissionRequest) {
      steps.push('admit');
      admitted.push(request);
      if (options.refuseAdmission) throw options.refuseAdmission;
      return {
        headers: { 'x-ratelimit-limit': '5' },
        capOutputTokens: 77,
        finish: (tokens: unknown) => {
          steps.push('admission.finish');
          finished.push(tokens);
        },
      };
    },
    ledger: {
      record: (record: UsageRecord) => {
        steps.push('record');
        records.push(record);
      },
    },
  } as unknown as Metering;
  const config = {
    providerBaseUrls: { openai: 'http://upstream.test/v1' },
    upstreamTimeoutMs: 1234,
  } as unknown as Config;
  const drain = createDrain();
  const pipeline = createCompletionPipeline({ config, vault, metering, drain, gates: options.gates ?? [planGate] });
  const raw = Object.assign(new EventEmitter(), { writableFinished: false });
  const headers: Record<string, string> = {};
  const reply = {
    raw,
    headers: (values: Record<string, string>) => Object.assign(headers, values),
  } as unknown as FastifyReply;
  return { pipeline, steps, records, admitted, finished, reply, raw, headers, drain };
}

function plan<Result>(
  upstream: (call: UpstreamCall) => Promise<Result>,
  extra: Partial<CompletionPlan<Result>> = {},
): CompletionPlan<Result> {
  return {
    provider: openai,
    model: 'gpt-4o-mini',
    size: { promptBytes: 10, messageCount: 1, maxOutputTokens: null },
    inputCharacters: () => 400,
    upstream,
    ...extra,
  };
}

const sent = { provider: 'unknown', model: 'openai/gpt-4o-mini' };

describe('the completion pipeline', () => {
  it('walks source, admission, decryption, upstream and finish in that order, recording once', async () => {
    const { pipeline, steps, records, admitted, reply, headers } = setUp();
    const result = await pipeline.run(
      caller,
      sent,
      () =>
        plan(async (call) => {
          steps.push('upstream');
          expect(call).toMatchObject({ apiKey: 'sk-test-key', source: 'global', capOutputTokens: 77, timeoutMs: 1234 });
          expect(call.baseUrl).toBe('http://upstream.test/v1');
          call.finish({
            status: 200,
            tokens: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0 },
            firstTokenMs: 9,
          });
          return 'answered';
        }),
      reply,
    );
    expect(result).toBe('answered');
    expect(steps).toEqual(['findKey', 'admit', 'decrypt', 'upstream', 'admission.finish', 'record']);
    expect(headers).toEqual({ 'x-ratelimit-limit': '5' });
    expect(admitted[0]).toMatchObject({
      requestId: 'request-1',
      userId: 'user-1',
      tokenId: 'token-1',
      tokenRequestsPerMinute: 5,
      endpoint: 'gateway',
      provider: 'openai',
      model: 'gpt-4o-mini',
      source: 'global',
      promptBytes: 10,
      messageCount: 1,
    });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      requestId: 'request-1',
      provider: 'openai',
      model: 'gpt-4o-mini',
      keySource: 'global',
      tokenId: 'token-1',
      status: 200,
      errorCode: null,
      tokens: { inputTokens: 3, outputTokens: 4, cachedInputTokens: 0 },
      estimatedTokens: null,
      firstTokenMs: 9,
    });
  });

  it('never decrypts a key for a call the limits refuse, and records the refusal with its source', async () => {
    const refusal = new AppError(429, 'quota_exceeded', 'Budget spent.');
    const { pipeline, steps, records, reply } = setUp({ refuseAdmission: refusal });
    await expect(pipeline.run(caller, sent, () => plan(async () => 'never'), reply)).rejects.toBe(refusal);
    expect(steps).toEqual(['findKey', 'admit', 'record']);
    expect(records[0]).toMatchObject({ status: 429, errorCode: 'quota_exceeded', keySource: 'global', tokens: null });
  });

  it('answers no_api_key without admission when neither key exists', async () => {
    const { pipeline, steps, records, reply } = setUp({ key: 'none' });
    await expect(pipeline.run(caller, sent, () => plan(async () => 'never'), reply)).rejects.toMatchObject({
      code: 'no_api_key',
    });
    expect(steps).toEqual(['findKey', 'record']);
    expect(records[0]).toMatchObject({ keySource: 'none', status: 400, provider: 'openai' });
  });

  it('runs every gate once the source is known and before admission; a gate refusal holds nothing', async () => {
    const seen: string[] = [];
    const gate: CompletionGate = (call) => {
      seen.push(`${call.source}:${call.provider}/${call.model}`);
      throw new AppError(403, 'model_not_in_plan', 'Not in your plan.');
    };
    const { pipeline, steps, records, reply } = setUp({ gates: [planGate, gate] });
    const checked: string[] = [];
    await expect(
      pipeline.run(
        caller,
        sent,
        () => plan(async () => 'never', { checkSource: (source) => checked.push(source) }),
        reply,
      ),
    ).rejects.toMatchObject({ code: 'model_not_in_plan' });
    expect(checked).toEqual(['global']);
    expect(seen).toEqual(['global:openai/gpt-4o-mini']);
    expect(steps).toEqual(['findKey', 'record']);
    expect(records[0]).toMatchObject({ status: 403, errorCode: 'model_not_in_plan' });
  });

  it('records a request refused while being read under safe forms of what was sent, or the names it gave', async () => {
    const { pipeline, records, steps, reply } = setUp();
    const refusal = new AppError(400, 'invalid_request', 'Bad body.');
    await expect(
      pipeline.run(
        caller,
        { provider: 'unknown', model: 'evil\u0000model\n' },
        () => {
          throw refusal;
        },
        reply,
      ),
    ).rejects.toBe(refusal);
    await expect(
      pipeline.run(
        { ...caller, requestId: 'request-2' },
        sent,
        (identify) => {
          identify('openai', 'gpt-4o');
          throw refusal;
        },
        reply,
      ),
    ).rejects.toBe(refusal);
    expect(steps).toEqual(['record', 'record']);
    expect(records[0]?.model).not.toMatch(/[\u0000\n]/);
    expect(records[0]).toMatchObject({
      provider: 'unknown',
      keySource: 'none',
      status: 400,
      errorCode: 'invalid_request',
    });
    expect(records[1]).toMatchObject({ requestId: 'request-2', provider: 'openai', model: 'gpt-4o' });
  });

  it('finishes a call whose upstream step throws, once, with its failure; a thrown non-AppError is a 500', async () => {
    const { pipeline, steps, records, finished, reply } = setUp();
    await expect(
      pipeline.run(
        caller,
        sent,
        () =>
          plan(async () => {
            throw new Error('boom');
          }),
        reply,
      ),
    ).rejects.toThrow('boom');
    expect(steps.filter((step) => step === 'record')).toHaveLength(1);
    expect(finished).toEqual([null]);
    expect(records[0]).toMatchObject({ status: 500, errorCode: 'internal_error' });
  });

  it('records a call cut short on an estimate, and never twice however often it is finished', async () => {
    const { pipeline, records, reply } = setUp();
    let finish: UpstreamCall['finish'] = () => {};
    await pipeline.run(
      caller,
      sent,
      () =>
        plan(async (call) => {
          finish = call.finish;
        }),
      reply,
    );
    finish({ status: 502, errorCode: 'provider_error', estimatedOutputTokens: 12 });
    finish({ status: 499, errorCode: 'client_closed', estimatedOutputTokens: 20 });
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      status: 502,
      errorCode: 'provider_error',
      tokens: null,
      estimatedTokens: { inputTokens: 100, outputTokens: 12, cachedInputTokens: 0 },
    });
  });

  it('aborts the upstream call when the client goes away, and when a graceful stop ends the drain', async () => {
    const gone = setUp();
    let signal: AbortSignal | undefined;
    const keepSignal = async (call: UpstreamCall) => {
      signal = call.signal;
    };
    await gone.pipeline.run(caller, sent, () => plan(keepSignal), gone.reply);
    expect(signal?.aborted).toBe(false);
    gone.raw.emit('close');
    expect(signal?.aborted).toBe(true);
    expect(signal && shutdownReason(signal)).toBeNull();

    const stopped = setUp();
    await stopped.pipeline.run(caller, sent, () => plan(keepSignal), stopped.reply);
    stopped.drain.begin();
    stopped.drain.cut();
    expect(signal && shutdownReason(signal)?.code).toBe('server_shutting_down');
  });
});
