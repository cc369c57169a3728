// Who makes a model call and on what: the one shape the metering module knows a call by. The
// admission gate, the quota hold and the completion pipeline's usage record all take it as is.
import type { KeySource } from './limit-policies.ts';

/** Where a call came in: the web chat (and its conversations) or the OpenAI-compatible /v1. */
export type Endpoint = 'chat' | 'gateway';

export interface MeteredCall {
  /** The HTTP request's id: it keys the usage row and the quota hold (never two of either). */
  requestId: string;
  userId: string;
  /** The /v1 access token the call came with, if any. */
  tokenId: string | null;
  endpoint: Endpoint;
  provider: string;
  model: string;
  /** Whose key pays: the user's own or the operator's. */
  source: KeySource;
}
