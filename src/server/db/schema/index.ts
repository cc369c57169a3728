// Every table, for Drizzle's client and drizzle-kit. Each module owns its file here.
export * from './auth.ts';
export * from './conversations.ts';
export * from './gateway.ts';
export * from './limits.ts';
export * from './usage.ts';
export * from './vault.ts';
