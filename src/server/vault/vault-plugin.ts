// Loads the keyring (generating the master key on the embedded default's first start) and
// decorates the app with the vault service.
import path from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { Config } from '../config.ts';
import type { Keyring } from './crypto.ts';
import { createKeyStore } from './key-store.ts';
import { loadKeyring } from './keyring-source.ts';
import { createVault, type Vault } from './vault-service.ts';

declare module 'fastify' {
  interface FastifyInstance {
    vault: Vault;
    keyring: Keyring;
  }
}

/**
 * Loads the keyring: from the environment, or from <data dir>/master.key on the embedded default
 * (generated on first start). Called before the database opens, so a missing or malformed key
 * stops the server before anything else happens.
 */
export async function loadConfiguredKeyring(config: Config, log: FastifyBaseLogger) {
  const { keyring } = await loadKeyring({
    masterKey: config.masterKey,
    masterKeys: config.masterKeys,
    activeKeyId: config.masterKeyActive,
    dataDir: config.dataDir,
    embedded: config.databaseUrl === undefined,
    log: { warn: (message) => log.warn(message), info: (message) => log.info(message) },
  });
  return keyring;
}

export const vaultPlugin = fastifyPlugin<{ config: Config; keyring: Keyring }>(
  async (app, { config, keyring }) => {
    app.decorate('keyring', keyring);
    app.decorate(
      'vault',
      createVault({
        config,
        keyring,
        store: createKeyStore(app.database.db),
        bus: app.bus,
        log: app.log.child({ module: 'vault' }),
        audit: app.audit,
      }),
    );
    // The audit trail's fingerprint key is sealed with the same master keys: rotation re-seals it.
    app.vault.registerSealed(app.audit.sealed);
    // And so are the alert webhooks' signing secrets.
    app.vault.registerSealed(app.alerts.settings.sealed);
  },
  { name: 'webox-vault', dependencies: ['webox-database', 'webox-audit', 'webox-alerts'] },
);

/** Where the embedded default keeps the generated better-auth secret (beside master.key). */
export const authSecretPath = (config: Config) => path.join(config.dataDir, 'auth.secret');
