// Every table, for drizzle-kit and the database client only: each module imports its own file
// (auth.ts is better-auth's, read by the auth and users modules), never this barrel.
export * from './alerts.ts';
export * from './audit.ts';
export * from './auth.ts';
export * from './billing.ts';
export * from './conversations.ts';
export * from './display.ts';
export * from './first-run.ts';
export * from './gateway.ts';
export * from './groups.ts';
export * from './invitations.ts';
export * from './metering.ts';
export * from './models.ts';
export * from './vault.ts';
