// The alerts module as app.alerts: any module raises an alert through it (the metering's budget
// thresholds, the pipeline's refused global keys, billing's failed payments), and it is delivered
// in the app (the alert rows and each reader's read state), by e-mail and to the admins' webhooks
// (the outbox, alert-outbox.ts, queued in the raise's transaction). Registered after the database
// and the audit trail, before the modules that raise; what it asks of modules registered later
// (accounts, display currency) it asks at delivery time. docs/alerts.md.
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import type { AlertLocale } from '../../shared/alert-words.ts';
import type { AlertChannel } from '../../shared/alerts.ts';
import { type DisplayCurrency, DOLLARS, formatMoneyIn } from '../../shared/money-format.ts';
import { createMailer } from '../mail/mailer.ts';
import { activeAdminIdsIn } from '../users/user-service.ts';
import type { Keyring } from '../vault/crypto.ts';
import { createAlertInbox } from './alert-inbox.ts';
import { alertMail } from './alert-mail.ts';
import { createAlertOutbox, type DeliveryTarget } from './alert-outbox.ts';
import { createAlertSettings } from './alert-settings.ts';
import { type AlertRow, createAlertStore } from './alert-store.ts';

export interface AlertsOptions {
  keyring: Keyring;
  /** The worker's clock (tests move it instead of waiting). Default: the system clock. */
  now?: () => Date;
  /** How often each instance looks for due deliveries, in ms. Default: 5000. */
  pollMs?: number;
  /** Whether this instance runs the delivery worker. Default: true. */
  worker?: boolean;
}

const LOCALES = { fr: 'fr-FR', en: 'en-US' } as const;

function createService(app: FastifyInstance, options: AlertsOptions) {
  const { db } = app.database;
  const log: FastifyBaseLogger = app.log.child({ module: 'alerts' });
  const now = options.now ?? (() => new Date());
  const store = createAlertStore(db);
  const mailer = createMailer(app.config.mail, log);
  const settings = createAlertSettings({ db, keyring: options.keyring, audit: app.audit });
  const inbox = createAlertInbox(db);

  /** The display currency; dollars if the modules that hold it are not there (a CLI, a test). */
  const displayCurrency = (): DisplayCurrency => {
    try {
      const view = app.display.view(app.billing.access.settings().usdPerCurrency);
      return view.rate ? { currency: view.currency, usdPerUnit: view.rate.usdPerUnit } : DOLLARS;
    } catch {
      return DOLLARS;
    }
  };
  const money = (microusd: number, locale: AlertLocale) => formatMoneyIn(microusd, LOCALES[locale], displayCurrency());

  const outbox = createAlertOutbox({
    db,
    money,
    sendMail: mailer ? (to, content) => mailer.send(to, content) : null,
    mailOf: (alert: AlertRow, locale) =>
      alertMail(alert, locale, { publicUrl: app.config.publicUrl, money: (microusd) => money(microusd, locale) }),
    async emailRecipient(userId) {
      const [entry, preferences] = await Promise.all([app.users.directory([userId]), settings.preferencesOf([userId])]);
      const found = entry.get(userId);
      return found ? { email: found.email, locale: preferences.get(userId)?.locale ?? 'fr' } : null;
    },
    webhook: (id) => settings.webhookForDelivery(id),
    onOutcome: (channel: AlertChannel, outcome) => app.metrics.alertDeliveries.inc({ channel, outcome }),
    log,
  });

  // Who an alert just raised goes to, decided in the raise's transaction.
  store.onRaised(async (scope, raised) => {
    app.metrics.alertsRaised.inc({ kind: raised.kind });
    const targets: DeliveryTarget[] = [];
    if (raised.kind === 'test') {
      // A test goes only where the admin who sent it asked.
      const { channel, requestedBy, webhookId } = raised.details;
      if (channel === 'email' && typeof requestedBy === 'string' && mailer) {
        targets.push({ channel: 'email', recipient: requestedBy });
      }
      if (channel === 'webhook' && typeof webhookId === 'string')
        targets.push({ channel: 'webhook', recipient: webhookId });
    } else if (raised.audience === 'admins') {
      if (mailer) {
        const admins = await activeAdminIdsIn(scope.tx);
        const chosen = await settings.preferencesOf(admins, scope.tx);
        for (const id of admins) {
          if (chosen.get(id)?.email ?? true) targets.push({ channel: 'email', recipient: id });
        }
      }
      for (const id of await settings.enabledWebhookIds(scope.tx)) targets.push({ channel: 'webhook', recipient: id });
    } else if (raised.subjectUserId && mailer) {
      const chosen = await settings.preferencesOf([raised.subjectUserId], scope.tx);
      if (chosen.get(raised.subjectUserId)?.email === true) {
        targets.push({ channel: 'email', recipient: raised.subjectUserId });
      }
    }
    await outbox.queue(scope, raised, targets);
    if (targets.length > 0) scope.afterCommit(async () => kick());
  });

  // The worker: rounds run one after another on an instance (a round started while one runs waits
  // for it), so deliverDue() resolves once what was due has been tried.
  let chain: Promise<unknown> = Promise.resolve();
  let closed = false;
  let timer: NodeJS.Timeout | undefined;
  const workerOn = options.worker ?? true;

  async function drainDue(at: Date) {
    let tried = 0;
    for (;;) {
      const round = await outbox.deliverRound(at);
      tried += round;
      if (round === 0) return tried;
    }
  }

  function deliverDue(at?: Date): Promise<number> {
    const run = chain.then(() => (closed ? 0 : drainDue(at ?? now())));
    chain = run.catch(() => {});
    return run;
  }

  function kick() {
    if (!workerOn || closed) return;
    setImmediate(() => {
      deliverDue().catch((error) => log.warn({ err: error }, 'the alert deliveries could not be sent'));
    });
  }

  function start() {
    if (!workerOn || timer) return;
    timer = setInterval(() => {
      deliverDue().catch((error) => log.warn({ err: error }, 'the alert deliveries could not be sent'));
    }, options.pollMs ?? 5_000);
    timer.unref();
  }

  async function stop() {
    closed = true;
    if (timer) clearInterval(timer);
    timer = undefined;
    await chain;
  }

  return {
    ...store,
    raise: store.raise,
    inbox,
    settings,
    outbox,
    /** Whether alert e-mails can be sent (WEBOX_SMTP_URL). */
    emailEnabled: mailer !== null,
    /** Sends what is due at `at` (default: the worker's clock) and resolves when it was tried. */
    deliverDue,
    start,
    stop,
  };
}

export type AlertsService = ReturnType<typeof createService>;

declare module 'fastify' {
  interface FastifyInstance {
    alerts: AlertsService;
  }
}

export const alertsPlugin = fastifyPlugin<AlertsOptions>(
  async (app, options) => {
    const service = createService(app, options);
    app.decorate('alerts', service);
    app.addHook('onReady', async () => service.start());
    // Before the database closes (its onClose runs after, registered earlier): no round is left.
    app.addHook('onClose', async () => service.stop());
  },
  { name: 'webox-alerts', dependencies: ['webox-database', 'webox-metrics', 'webox-audit'] },
);
