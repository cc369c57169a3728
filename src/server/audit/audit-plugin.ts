// The audit module as app.audit. Registered right after the database and before every module
// that records (the vault first of all), so it holds the keyring itself rather than asking the
// vault; the vault registers app.audit.sealed for its rotation.
import fastifyPlugin from 'fastify-plugin';
import type { Keyring } from '../vault/crypto.ts';
import { type AuditTrail, createAuditTrail } from './audit-trail.ts';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditTrail;
  }
}

export const auditPlugin = fastifyPlugin<{ keyring: Keyring }>(
  async (app, { keyring }) => {
    app.decorate('audit', createAuditTrail({ db: app.database.db, keyring }));
  },
  { name: 'webox-audit', dependencies: ['webox-database'] },
);
