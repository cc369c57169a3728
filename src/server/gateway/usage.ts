// What the gateway learns about a request's cost, handed to the usage ledger.
export interface GatewayUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}

export interface GatewayRequestRecord {
  requestId: string;
  userId: string;
  tokenId: string;
  provider: string;
  model: string;
  source: 'personal' | 'global';
  stream: boolean;
  usage: GatewayUsage | null;
  status: number;
  errorCode: string | null;
  latencyMs: number;
  firstByteMs: number | null;
}
