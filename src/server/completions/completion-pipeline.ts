// The one corridor every model call walks, whatever surface it came in by (the web chat, its
// conversations, /v1 and the surfaces to come), in one order:
//
//   read the surface's request → the key's source (nothing decrypted) → the gates → admission
//   (rate limits, budget hold) → the key, decrypted just in time → upstream → finish and record
//
// A surface is a wire-format adapter: it reads its request into a plan (which provider and model,
// the call's size, how to call upstream) and writes the answer in its format. Everything else is
// here, once: the usage record (refusals included), the abort wiring, the admission headers.
import type { FastifyReply } from 'fastify';
import { toSafeLabel } from '../../shared/text.ts';
import type { Config } from '../config.ts';
import type { Drain } from '../drain.ts';
import type { CallSize, ModelChoice, OutputCap } from '../metering/admission.ts';
import type { BudgetFallback, KeySource } from '../metering/limit-policies.ts';
import type { MeteredCall } from '../metering/metered-call.ts';
import type { Metering } from '../metering/metering-plugin.ts';
import type { UsageRecord } from '../metering/usage-row.ts';
import type { ProviderId } from '../providers/registry.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { vaultErrors } from '../vault/vault-errors.ts';
import type { Vault } from '../vault/vault-service.ts';
import { type CallOutcome, failureOutcome, type RecordedCall, usageRecordOf } from './call-outcome.ts';
import { callSignal } from './call-signal.ts';

/** Who calls, known before the request is read (the route's authentication). */
export interface Caller {
  requestId: string;
  userId: string;
  tokenId: string | null;
  /** The access token's own requests-per-minute limit, if it has one. */
  tokenRequestsPerMinute: number | null;
  endpoint: MeteredCall['endpoint'];
}

/** What the pipeline gives the upstream step once the call is admitted. */
export interface UpstreamCall {
  call: MeteredCall;
  /** Decrypted just now, once admitted; never kept beyond the call. */
  apiKey: string;
  source: KeySource;
  /** The output limit per answer to send upstream, and the only one (see admission.ts). */
  capOutputTokens: number | null;
  /** Set when that limit is lower than asked for, to fit the budget left: the answer says so. */
  capped: OutputCap | null;
  /** Aborted when the client goes away or a graceful stop's drain period ends. */
  signal: AbortSignal;
  baseUrl: string;
  timeoutMs: number;
  /** performance.now() when the request arrived (first-token times are measured from it). */
  startedAt: number;
  /**
   * Ends the call: gives back its admission and records its usage, once. A step that returns a
   * stream calls it when the stream ends; if the step throws first, the pipeline calls it.
   */
  finish(outcome: CallOutcome): void;
}

/** A surface's request, read: what to call and how. */
export interface CompletionPlan<Result> {
  provider: ProviderSpec;
  model: string;
  size: CallSize;
  /** Characters of input, read only to estimate a call cut before the provider counted it. */
  inputCharacters: () => number;
  /** Refusals that depend on whose key pays (e.g. parameters the operator's key may not use). */
  checkSource?: (source: KeySource) => void;
  upstream(call: UpstreamCall): Promise<Result>;
}

/**
 * A check on an identified call before it is admitted (its source known, nothing held yet). The
 * pipeline's gates are listed once, in completions-plugin.ts. A gate that knows the user's budget
 * on the global keys better than metering does (the user's group; billing: a plan's, the free
 * allowance) answers what it knows, the answers are combined, and admission holds the call against
 * them in budgetInForce's order.
 */
export type CompletionGate = (
  call: MeteredCall,
  plan: CompletionPlan<unknown>,
) => BudgetFallback | undefined | Promise<BudgetFallback | undefined>;

/** The plan's own check on its source, as a gate. */
export const planGate: CompletionGate = (call, plan) => {
  plan.checkSource?.(call.source);
  return undefined;
};

/** A call that reached a key, as it ended (what the detectors watch: refused keys, 429 streaks). */
export interface ObservedCall {
  userId: string;
  provider: string;
  source: KeySource;
  status: number;
  errorCode: string | null;
  /** The provider's own HTTP status, when the call failed upstream. */
  upstreamStatus: number | null;
  /**
   * The key, decrypted again: only to fingerprint it (app.audit.fingerprint) and tell key
   * versions apart. Never logged, stored or sent.
   */
  key: () => string;
}

/** Told of every call that reached a key, as it ends; must not throw or wait (it is not awaited). */
export type CallObserver = (call: ObservedCall) => void;

export function createCompletionPipeline(options: {
  config: Config;
  vault: Vault;
  metering: Metering;
  drain: Drain;
  gates: readonly CompletionGate[];
  /**
   * The models the user may use on a key source (the operator's offer, plan and group on the
   * global keys), read only for a refusal for money, which suggests the cheapest that fits.
   */
  alternatives?: (userId: string, source: KeySource) => Promise<readonly ModelChoice[]>;
  /**
   * Sees each call's usage record as it ends (the metrics); `afterFirstByte`: the answer had begun
   * reaching the client, so a failure came mid-stream.
   */
  observe?: (record: UsageRecord, afterFirstByte: boolean) => void;
}) {
  const { config, vault, metering, drain, gates, alternatives, observe } = options;
  const observers: CallObserver[] = [];

  /** A call refused before it was read: recorded under safe forms of what the client sent. */
  function refuse(caller: Caller, sent: { provider: unknown; model: unknown }, error: unknown, startedAt: number) {
    const call: RecordedCall = {
      ...caller,
      provider: toSafeLabel(sent.provider, 64),
      model: toSafeLabel(sent.model, 200),
      source: 'none',
      startedAt,
      inputCharacters: () => 0,
    };
    const record = usageRecordOf(call, failureOutcome(error));
    metering.ledger.record(record);
    observe?.(record, false);
  }

  /**
   * Runs one call. `read` turns the surface's request into a plan and throws its refusal; `sent`
   * is what the client named, recorded (made safe) when `read` refuses it, unless `read` named the
   * call first with `identify` (its provider and model, once the request says which they are).
   * Resolves with what the plan's upstream step returns; any refusal or failure before that
   * throws, already recorded.
   */
  async function run<Result>(
    caller: Caller,
    sent: { provider: unknown; model: unknown },
    read: (identify: (provider: string, model: string) => void) => CompletionPlan<Result>,
    reply: FastifyReply,
  ): Promise<Result> {
    const startedAt = performance.now();
    // Wired first: a client gone while the call waits for its admission stops it too.
    const signal = callSignal(reply, drain);
    let plan: CompletionPlan<Result>;
    try {
      plan = read((provider, model) => {
        sent = { provider, model };
      });
    } catch (error) {
      refuse(caller, sent, error, startedAt);
      throw error;
    }
    const recorded: RecordedCall = {
      ...caller,
      provider: plan.provider.id,
      model: plan.model,
      source: 'none',
      startedAt,
      inputCharacters: plan.inputCharacters,
    };
    let release: ((tokens: CallOutcome['tokens']) => void) | null = null;
    let decrypt: (() => string) | null = null;
    let finished = false;
    const finish = (outcome: CallOutcome) => {
      if (finished) return;
      finished = true;
      release?.(outcome.tokens ?? null);
      // Off the request's path: the ledger queues it and writes in batches.
      const record = usageRecordOf(recorded, outcome);
      metering.ledger.record(record);
      observe?.(record, reply.raw.headersSent);
      if (decrypt && recorded.source !== 'none') tellObservers(recorded, outcome, decrypt);
    };

    try {
      // The key's source only: nothing is decrypted for a call the gates or limits refuse.
      const key = await vault.findKey(caller.userId, plan.provider.id as ProviderId);
      if (key.source === 'none') throw vaultErrors.noApiKey(plan.provider);
      recorded.source = key.source;
      const call: MeteredCall = { ...caller, provider: plan.provider.id, model: plan.model, source: key.source };
      let budgetFallback: BudgetFallback | undefined;
      // Each gate adds what it knows (the group's budget, billing's plan and allowance).
      for (const gate of gates) {
        const known = await gate(call, plan);
        if (known) budgetFallback = budgetFallback ? { ...budgetFallback, ...known } : known;
      }

      // Rate limits and the budget hold; a budgeted call without an output limit gets one, so the
      // held worst case bounds what the provider can charge.
      const admission = await metering.admit({
        ...call,
        tokenRequestsPerMinute: caller.tokenRequestsPerMinute,
        ...plan.size,
        budgetFallback,
        alternatives: alternatives && (() => alternatives(call.userId, call.source)),
      });
      release = (tokens) => admission.finish(tokens ?? null);
      reply.headers(admission.headers);
      decrypt = key.decrypt;

      return await plan.upstream({
        call,
        // Decrypted just in time, once admitted (the row admitted: see vault.findKey).
        apiKey: key.decrypt(),
        source: key.source,
        capOutputTokens: admission.capOutputTokens,
        capped: admission.capped,
        signal,
        baseUrl: config.providerBaseUrls[plan.provider.id as ProviderId],
        timeoutMs: config.upstreamTimeoutMs,
        startedAt,
        finish,
      });
    } catch (error) {
      finish(failureOutcome(error));
      throw error;
    }
  }

  function tellObservers(recorded: RecordedCall, outcome: CallOutcome, key: () => string) {
    if (recorded.source === 'none') return;
    const observed: ObservedCall = {
      userId: recorded.userId,
      provider: recorded.provider,
      source: recorded.source,
      status: outcome.status,
      errorCode: outcome.errorCode ?? null,
      upstreamStatus: outcome.upstreamStatus ?? null,
      key,
    };
    for (const observer of observers) {
      try {
        observer(observed);
      } catch {
        // A watcher's failure is its own; the call has ended either way.
      }
    }
  }

  return {
    run,
    /** Adds a watcher of every call's end (the alerts' detectors). */
    onCallEnd(observer: CallObserver) {
      observers.push(observer);
    },
    refuse: (caller: Caller, sent: { provider: unknown; model: unknown }, error: unknown) =>
      refuse(caller, sent, error, performance.now()),
  };
}

export type CompletionPipeline = ReturnType<typeof createCompletionPipeline>;
