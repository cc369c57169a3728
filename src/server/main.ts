// The `webox` command: serve | migrate | user promote EMAIL | vault rotate | billing sync.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createAlertSettings } from './alerts/alert-settings.ts';
import { buildApp, version } from './app.ts';
import { createAuditTrail, SYSTEM_ACTOR } from './audit/audit-trail.ts';
import { ssoSealedSecret } from './auth/sso-settings.ts';
import { BillingSyncError, billingSyncCommand, syncClient } from './billing/billing-sync.ts';
import { type ChangeBus, createLocalBus, createPostgresBus } from './cache/change-bus.ts';
import { type Config, ConfigError, loadConfig } from './config.ts';
import { type DatabaseHandle, openDatabase } from './db/client.ts';
import { acquireEmbeddedLock, EmbeddedDatabaseLockedError } from './db/embedded-lock.ts';
import { stopGracefully } from './drain.ts';
import { promoteUserByEmail } from './users/user-service.ts';
import { KeyringError } from './vault/crypto.ts';
import { createKeyStore } from './vault/key-store.ts';
import { loadConfiguredKeyring } from './vault/vault-plugin.ts';
import { rotateVault } from './vault/vault-rotation.ts';

const USAGE = `WeBox ${version}

Usage: webox <command>

  serve                 start the server (default)
  migrate               apply database migrations and exit
  user promote EMAIL    make the account with this email an admin
  vault rotate          re-encrypt every stored key under the active master key
  billing sync          read every customer's subscriptions from Stripe (missed webhooks)
`;

/** One-off commands log warnings only (the keyring's notices), as JSON lines on stdout. */
const cliLogger = pino({ level: 'warn' });

/** After the drain period, how long the stop may take (the last streams, the ledger's flush) before the process exits anyway. */
const STOP_MARGIN_MS = 10_000;

async function serve(config: Config) {
  const app = await buildApp(config);
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) {
      // A second Ctrl-C: the operator does not want to wait.
      app.log.warn({ signal }, 'stopping now, without waiting for the requests in flight');
      process.exit(1);
    }
    closing = true;
    app.log.info({ signal, drainTimeoutMs: config.drainTimeoutMs }, 'shutting down: finishing the requests in flight');
    const forced = setTimeout(() => {
      app.log.error('the graceful stop did not finish in time; exiting');
      process.exit(1);
    }, config.drainTimeoutMs + STOP_MARGIN_MS);
    forced.unref();
    try {
      await stopGracefully(app, config.drainTimeoutMs);
    } catch (error) {
      app.log.error({ err: error }, 'the graceful stop failed');
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  await app.listen({ port: config.port, host: config.host });
  app.log.info(`WeBox ${version} ready at ${config.publicUrl} (${app.database.kind})`);
}

/** Opens the database for a one-off command: on the embedded default, only if no server holds it. */
async function withDatabase<T>(config: Config, purpose: string, run: (database: DatabaseHandle) => Promise<T>) {
  const release = config.databaseUrl ? null : await acquireEmbeddedLock(config.dataDir, purpose);
  try {
    const database = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
    try {
      await database.migrate();
      return await run(database);
    } finally {
      await database.close();
    }
  } finally {
    await release?.();
  }
}

/**
 * The change bus for a one-off command, so running servers hear what it changed. On PostgreSQL
 * they listen on the shared database; the embedded database is this command's alone (the lock
 * says no server has it open), so nobody needs to hear.
 */
async function withChangeBus<T>(config: Config, run: (bus: ChangeBus) => Promise<T>) {
  const bus = config.databaseUrl
    ? await createPostgresBus({ databaseUrl: config.databaseUrl, log: cliLogger })
    : createLocalBus();
  try {
    return await run(bus);
  } finally {
    await bus.close();
  }
}

async function main(argv: string[]) {
  const { positionals, values } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { help: { type: 'boolean', short: 'h' } },
  });
  const [command = 'serve', ...rest] = positionals;
  if (values.help || command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  const config = loadConfig();
  switch (command) {
    case 'serve':
      return serve(config);
    case 'migrate':
      await withDatabase(config, 'webox migrate', async () => {});
      console.log('Migrations applied.');
      return;
    case 'user': {
      const [action, email] = rest;
      if (action !== 'promote' || !email) throw new UsageError('Usage: webox user promote EMAIL');
      const found = await withDatabase(config, 'webox user promote', async (database) => {
        const audit = createAuditTrail({ db: database.db, keyring: await loadConfiguredKeyring(config, cliLogger) });
        return withChangeBus(config, (bus) => promoteUserByEmail(database.db, bus, email, audit));
      });
      if (!found) throw new UsageError(`No account has the email ${email}.`);
      console.log(`${email} is now an admin.`);
      return;
    }
    case 'vault': {
      if (rest[0] !== 'rotate') throw new UsageError('Usage: webox vault rotate');
      const keyring = await loadConfiguredKeyring(config, cliLogger);
      const report = await withDatabase(config, 'webox vault rotate', async (database) => {
        const audit = createAuditTrail({ db: database.db, keyring });
        const done = await rotateVault({
          keyring,
          store: createKeyStore(database.db),
          sealed: [
            ssoSealedSecret(database.db),
            audit.sealed,
            createAlertSettings({ db: database.db, keyring, audit }).sealed,
          ],
        });
        await audit.recordNow({
          action: 'vault.rotated',
          actor: SYSTEM_ACTOR,
          target: { kind: 'vault', id: done.activeKeyId },
          details: { ...done, via: 'cli' },
        });
        return done;
      });
      console.log(
        `Re-encrypted ${report.rotated} key(s) under ${report.activeKeyId}; ${report.skipped} changed meanwhile (already current); ${report.unreadable} unreadable.`,
      );
      if (report.unreadable > 0) {
        console.error('Some stored keys cannot be decrypted with any listed master key: they must be saved again.');
        process.exitCode = 1;
      }
      return;
    }
    case 'billing': {
      if (rest[0] !== 'sync') throw new UsageError('Usage: webox billing sync');
      const stripe = await syncClient(config);
      const report = await withDatabase(config, 'webox billing sync', (database) =>
        withChangeBus(config, (bus) => billingSyncCommand({ database, stripe, bus })),
      );
      console.log(
        `Read ${report.subscriptions} subscription(s) of ${report.customers} customer(s) from Stripe; ${report.changed} changed, for ${report.users.length} user(s).`,
      );
      return;
    }
    default:
      throw new UsageError(`Unknown command "${command}".\n\n${USAGE}`);
  }
}

class UsageError extends Error {}

main(process.argv.slice(2)).catch((error: unknown) => {
  // Operator-facing failures print their message alone; anything else prints its stack.
  const known =
    error instanceof ConfigError ||
    error instanceof KeyringError ||
    error instanceof EmbeddedDatabaseLockedError ||
    error instanceof BillingSyncError ||
    error instanceof UsageError;
  console.error(known ? `webox: ${(error as Error).message}` : error);
  process.exit(1);
});
