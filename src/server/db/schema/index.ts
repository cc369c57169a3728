// Every table, for Drizzle's client and drizzle-kit. Each module owns its file here.
export * from './auth.ts';
export * from './conversations.ts';
export * from './gateway.ts';
export * from './metering.ts';
export * from './vault.ts';
