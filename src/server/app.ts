// buildApp(config): the Fastify instance with every plugin and module. It never listens: main.ts
// does, and tests call app.inject() or listen on port 0 themselves.
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import packageJson from '../../package.json' with { type: 'json' };
import { alertRoutes } from './alerts/alert-routes.ts';
import { type AlertsOptions, alertsPlugin } from './alerts/alerts-plugin.ts';
import { auditPlugin } from './audit/audit-plugin.ts';
import { auditRoutes } from './audit/audit-routes.ts';
import { authPlugin } from './auth/auth-plugin.ts';
import { ssoRoutes } from './auth/sso-routes.ts';
import { billingPlugin } from './billing/billing-plugin.ts';
import { billingRoutes } from './billing/billing-routes.ts';
import { checkoutRoutes } from './billing/checkout-routes.ts';
import { planRoutes } from './billing/plan-routes.ts';
import { revenueRoutes } from './billing/revenue-routes.ts';
import { webhookRoutes } from './billing/webhook-routes.ts';
import { chatRoutes } from './chat/chat-routes.ts';
import { completionsPlugin } from './completions/completions-plugin.ts';
import type { Config } from './config.ts';
import { conversationRoutes } from './conversations/conversation-routes.ts';
import { createConversationService } from './conversations/conversation-service.ts';
import { databasePlugin } from './db/database-plugin.ts';
import { detectorsPlugin } from './detectors/detectors-plugin.ts';
import { displayPlugin } from './display/display-plugin.ts';
import { displayRoutes } from './display/display-routes.ts';
import { createDrain } from './drain.ts';
import { installErrorHandling } from './errors.ts';
import { firstRunRoutes } from './first-run/first-run-routes.ts';
import { gatewayPlugin } from './gateway/gateway-routes.ts';
import { tokenRoutes } from './gateway/token-routes.ts';
import { groupRoutes } from './groups/group-routes.ts';
import { groupsPlugin } from './groups/groups-plugin.ts';
import { healthRoutes } from './health-routes.ts';
import { createOriginCheck, maxConnections, securityHeaders, serverTimeouts } from './http-hardening.ts';
import { invitationRoutes } from './invitations/invitation-routes.ts';
import { invitationsPlugin } from './invitations/invitations-plugin.ts';
import { installJsonBodyParser } from './json-body.ts';
import { childLoggerFactory, loggerOptions } from './logging.ts';
import { limitsRoutes } from './metering/limits-routes.ts';
import { meteringPlugin } from './metering/metering-plugin.ts';
import { operatorBudgetRoutes } from './metering/operator-budget-routes.ts';
import { requestLogRoutes } from './metering/request-log-routes.ts';
import { usageRoutes } from './metering/usage-routes.ts';
import { metricsPlugin } from './metrics/metrics-plugin.ts';
import { metricsRoutes } from './metrics/metrics-routes.ts';
import { modelsPlugin } from './models/models-plugin.ts';
import { modelsRoutes } from './models/models-routes.ts';
import { openapiPlugin } from './openapi/openapi-plugin.ts';
import { providerRoutes } from './providers/provider-routes.ts';
import { userRoutes } from './users/user-routes.ts';
import { usersPlugin } from './users/users-plugin.ts';
import { loadConfiguredKeyring, vaultPlugin } from './vault/vault-plugin.ts';
import { vaultRoutes } from './vault/vault-routes.ts';
import { webPlugin } from './web/web-plugin.ts';

declare module 'fastify' {
  interface FastifyInstance {
    config: Config;
  }
}

export const version = packageJson.version;

/** Largest request body accepted (chat histories with long pastes fit; anything bigger is 413). */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export interface BuildOptions {
  /** Where log lines go (tests capture them to prove no secret is logged). Default: stdout. */
  logStream?: DestinationStream;
  /** The built web app's folder (tests point it elsewhere). Default: dist/web. */
  webRoot?: string;
  /** The alert worker's clock and schedule (tests move the clock instead of waiting). */
  alerts?: Omit<AlertsOptions, 'keyring'>;
}

/** Believe X-Forwarded-For for the nearest `hops` proxies: hop 0 is the socket's peer. */
const trustHops = (hops: number) => (_address: string, hop: number) => hop < hops;

export async function buildApp(config: Config, options: BuildOptions = {}) {
  const app = Fastify({
    logger: loggerOptions(config.logLevel, options.logStream),
    childLoggerFactory,
    bodyLimit: BODY_LIMIT_BYTES,
    // Every request gets a fresh UUID: it keys the usage row and the quota hold, so it must be
    // unique across restarts and instances, and never taken from the client (a replayed id would
    // make the ledger skip the row). Answers carry it in x-request-id for support tickets.
    requestIdHeader: false,
    genReqId: () => randomUUID(),
    ...serverTimeouts(config),
    // request.ip is the client behind the reverse proxies named by WEBOX_TRUST_PROXY, and the
    // socket's peer otherwise: per-address limits count it (never a header the client chose).
    // A hop count becomes proxy-addr's own rule for it (Fastify's types take no number).
    trustProxy: typeof config.trustProxy === 'number' ? trustHops(config.trustProxy) : config.trustProxy,
    // During a graceful stop our own hook answers (drain.ts): /readyz in its shape, the rest as
    // WeBox's errors, where Fastify's would send its own body.
    return503OnClosing: false,
    // Opening the embedded database and migrating it can take longer than Fastify's 10 s on a
    // small or busy machine (a first start on a Raspberry Pi, CI running files in parallel).
    pluginTimeout: 60_000,
  }).withTypeProvider<ZodTypeProvider>();
  app.server.maxConnections = maxConnections(config);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  installJsonBodyParser(app);
  app.decorate('config', config);
  const drain = createDrain();
  app.decorate('drain', drain);
  // A callback hook, not an async one: it runs on every request, and costs no promise this way.
  // Registered first, so it runs before every route's own hooks (the session guards included).
  const headers = securityHeaders(config);
  const checkOrigin = createOriginCheck(config, (origin, expected) =>
    app.log.warn(
      { origin, expected },
      `requests come from ${origin}, but WEBOX_PUBLIC_URL is ${expected}: sign-in and changes from that address are refused. Open WeBox at ${expected}, or set WEBOX_PUBLIC_URL to the address people use.`,
    ),
  );
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    reply.headers(headers);
    done(drain.refusal(request) ?? checkOrigin(request) ?? undefined);
  });

  try {
    // Order matters: the keyring first (a bad key stops everything before the database opens),
    // then the database, then what needs it (vault, auth), then the routes.
    const keyring = await loadConfiguredKeyring(config, app.log.child({ module: 'vault' }));
    // Before any route: the OpenAPI document is made of the routes registered after it.
    await app.register(openapiPlugin, { version });
    await app.register(metricsPlugin);
    await app.register(databasePlugin, { config });
    await app.register(auditPlugin, { keyring });
    await app.register(alertsPlugin, { keyring, ...options.alerts });
    await app.register(vaultPlugin, { config, keyring });
    await app.register(displayPlugin);
    await app.register(meteringPlugin);
    await app.register(authPlugin, { config });
    await app.register(usersPlugin);
    await app.register(groupsPlugin);
    await app.register(invitationsPlugin);
    await app.register(billingPlugin);
    await app.register(modelsPlugin);
    await app.register(completionsPlugin);
    await app.register(detectorsPlugin);

    await app.register(healthRoutes);
    // Only with WEBOX_METRICS_TOKEN set: otherwise /metrics is no route at all.
    await app.register(metricsRoutes);
    // What deleting an account removes, counted by each module that owns a part of it.
    const conversations = createConversationService({ db: app.database.db });
    await app.register(userRoutes, {
      impactOf: async (userId) => {
        const [keys, tokens, owned, usageRows] = await Promise.all([
          app.vault.personalProvidersByOwner(),
          app.accessTokens.list(userId),
          conversations.list(userId),
          app.metering.stats.rowCount(userId),
        ]);
        return {
          personalKeys: keys.get(userId)?.length ?? 0,
          accessTokens: tokens.length,
          conversations: owned.length,
          usageRows,
        };
      },
    });
    await app.register(groupRoutes);
    await app.register(invitationRoutes);
    await app.register(ssoRoutes);
    await app.register(providerRoutes);
    await app.register(vaultRoutes, {
      globalKeyUsers: async () => {
        const ids = await app.users.activeIds();
        if (app.billing.access.settings().policy === 'everyone') return ids;
        const decisions = await Promise.all(ids.map((id) => app.billing.access.decide(id)));
        return ids.filter((_, index) => decisions[index]?.allowed === true);
      },
    });
    await app.register(chatRoutes);
    await app.register(gatewayPlugin);
    await app.register(tokenRoutes);
    await app.register(usageRoutes);
    await app.register(requestLogRoutes);
    await app.register(auditRoutes);
    await app.register(operatorBudgetRoutes);
    // The budgets users see are the ones admission holds: the group's, billing's plans and
    // allowance included (the same answers the completion gates hand admission).
    await app.register(limitsRoutes, {
      budgetFallback: async (userId) => {
        const [group, billing] = await Promise.all([app.groups.budgetsOf(userId), app.billing.budgetFallback(userId)]);
        return group ? { ...billing, group } : billing;
      },
    });
    await app.register(planRoutes);
    await app.register(modelsRoutes);
    await app.register(billingRoutes);
    await app.register(checkoutRoutes);
    await app.register(revenueRoutes);
    await app.register(displayRoutes);
    await app.register(webhookRoutes);
    await app.register(conversationRoutes);
    await app.register(alertRoutes);
    await app.register(firstRunRoutes, {
      timeZone: async () => ({ timeZone: app.display.timeZone(), chosen: app.display.view({}).timeZoneChosen }),
    });
    // The web app: its catch-all GET answers only paths no other route claims.
    await app.register(webPlugin, { root: options.webRoot });
    await app.ready();
  } catch (error) {
    // Release what did open (the database, the embedded lock) before reporting the failure.
    await app.close().catch(() => {});
    throw error;
  }
  return app;
}

export type App = Awaited<ReturnType<typeof buildApp>>;
