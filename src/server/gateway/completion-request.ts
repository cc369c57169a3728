// Reads an OpenAI chat-completions request: just enough checking to route it and refuse what the
// chosen provider cannot take. The rest is the provider's to judge (it answers 400, passed on as
// provider_bad_request), so the hot path does no schema walk over a large body.
import { isSingleLine } from '../../shared/text.ts';
import { commonErrors } from '../errors.ts';
import type { ProviderSpec } from '../providers/spec.ts';
import { gatewayErrors } from './gateway-errors.ts';
import { type ModelRoute, routeModel } from './model-id.ts';
import { SENT_AS, withOutputLimit } from './output-limits.ts';

export type CompletionBody = Record<string, unknown> & { model: string; messages: unknown[]; stream?: boolean };

const MODEL_ID_MAX = 200;

const invalid = commonErrors.invalidParameter;

export function readCompletionRequest(body: unknown): { body: CompletionBody; route: ModelRoute; stream: boolean } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw invalid('The request body must be a JSON object.', 'body');
  }
  const candidate = body as Record<string, unknown>;
  if (typeof candidate.model !== 'string' || candidate.model.length === 0) {
    throw invalid('model is required: a string such as "openai/gpt-4o-mini".', 'model');
  }
  // The model id reaches the usage ledger and the provider's URL: one line, bounded.
  if (candidate.model.length > MODEL_ID_MAX || !isSingleLine(candidate.model)) {
    throw invalid(`model must be one line of text of at most ${MODEL_ID_MAX} characters.`, 'model');
  }
  if (!Array.isArray(candidate.messages) || candidate.messages.length === 0) {
    throw invalid('messages is required: a non-empty array of messages.', 'messages');
  }
  for (const [index, message] of candidate.messages.entries()) {
    const role = (message as { role?: unknown } | null)?.role;
    if (typeof role !== 'string') throw invalid(`messages[${index}].role is required.`, `messages[${index}].role`);
  }
  if (candidate.stream !== undefined && typeof candidate.stream !== 'boolean') {
    throw invalid('stream must be a boolean.', 'stream');
  }
  return {
    body: candidate as CompletionBody,
    route: routeModel(candidate.model),
    stream: candidate.stream === true,
  };
}

/**
 * The body sent upstream: the provider's own model id, its parameter names, and a 400 for an
 * OpenAI parameter it does not take.
 */
export function adaptForProvider(provider: ProviderSpec, body: CompletionBody, model: string, stream: boolean) {
  const rules = provider.gateway;
  const adapted: Record<string, unknown> = { ...body, model };
  for (const name of rules.unsupported ?? []) {
    if (adapted[name] !== undefined && adapted[name] !== null) {
      throw gatewayErrors.unsupportedParameter(name, provider.name);
    }
  }
  for (const name of rules.dropped ?? []) delete adapted[name];
  for (const [from, to] of Object.entries(rules.renamed ?? {})) {
    if (adapted[from] === undefined) continue;
    // Both names with different values: the provider would read only its own, which may not be
    // the one WeBox checked and held.
    if (adapted[to] !== undefined && adapted[to] !== adapted[from]) throw gatewayErrors.duplicateParameter(from, to);
    adapted[to] = adapted[from];
    delete adapted[from];
  }
  // Usage is metered for every request, so it is asked for even when the client did not.
  if (stream && rules.streamUsageOption) {
    const options = (adapted.stream_options ?? {}) as Record<string, unknown>;
    adapted.stream_options = { ...options, include_usage: true };
  }
  return adapted;
}

/** A pass-through body, serialised once, before admission settles its output limit. */
export interface OutgoingBody {
  /** Its size in bytes without the limit: an upper bound of the prompt's bytes (the budget holds it). */
  bytes: number;
  /** The body to send, with `limit` as its one output limit (none when null). */
  withLimit(limit: number | null): string;
}

/**
 * adaptForProvider(withOutputLimit(body, limit)) as JSON, serialised once whatever the limit: the
 * limit, the one field admission decides, is written onto the text afterwards, not serialised again.
 */
export function serializeForProvider(
  provider: ProviderSpec,
  body: CompletionBody,
  model: string,
  stream: boolean,
): OutgoingBody {
  const json = JSON.stringify(adaptForProvider(provider, withOutputLimit(body, null), model, stream));
  const name = JSON.stringify(provider.gateway.renamed?.[SENT_AS] ?? SENT_AS);
  return {
    bytes: Buffer.byteLength(json),
    // The body is an object holding model and messages at least: it ends in `}` after a field.
    withLimit: (limit) => (limit === null ? json : `${json.slice(0, -1)},${name}:${limit}}`),
  };
}

/** What the admin lets the global keys be asked for beyond the catalogue's prices (Config.globalKeyExtras). */
export interface GlobalKeyExtras {
  serviceTiers: readonly string[];
  pricedParameters: readonly string[];
}

/**
 * On the operator's keys, refuses what the provider would bill at prices the ledger does not know
 * (issue 10, item 13): a service tier past the standard ones, and parameters billed apart (web
 * search, audio output). Personal keys are the caller's own money and pass everything on.
 */
export function refuseUnpricedOnGlobalKey(provider: ProviderSpec, body: CompletionBody, allowed: GlobalKeyExtras) {
  const rules = provider.gateway;
  const tier = body.service_tier;
  if (rules.standardServiceTiers && tier !== undefined && tier !== null) {
    const known =
      typeof tier === 'string' && (rules.standardServiceTiers.includes(tier) || allowed.serviceTiers.includes(tier));
    if (!known) {
      const standard = rules.standardServiceTiers.map((name) => `"${name}"`).join(' or ');
      throw invalid(
        `service_tier ${JSON.stringify(tier).slice(0, 40)} is billed by ${provider.name} at prices WeBox does not meter, ` +
          `so it is not available on the operator's key: leave it out${standard ? ` (or use ${standard})` : ''}, ` +
          `use your own ${provider.name} key, or ask the admin to allow it (WEBOX_GLOBAL_SERVICE_TIERS).`,
        'service_tier',
      );
    }
  }
  for (const [name, priced] of Object.entries(rules.pricedParameters ?? {})) {
    const value = body[name];
    if (value === undefined || value === null || priced.free?.(value) || allowed.pricedParameters.includes(name))
      continue;
    throw invalid(
      `${name} makes ${provider.name} bill ${priced.bills}, which WeBox does not meter, so it is not available on ` +
        `the operator's key: leave it out, use your own ${provider.name} key, or ask the admin to allow it ` +
        '(WEBOX_GLOBAL_PRICED_PARAMETERS).',
      name,
    );
  }
}
