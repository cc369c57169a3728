// What the gateway learns about a request's cost, handed to the usage ledger.
export interface GatewayUsage {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
}
