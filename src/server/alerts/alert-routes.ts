// The alerts' routes (docs/alerts.md): everyone's list, read state and e-mail choice; the admins'
// webhooks, test alerts and recent deliveries. Changes to webhooks and preferences are audited in
// their own transaction (alert-settings.ts).
import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  alertList,
  alertListQuery,
  alertPreferences,
  alertPreferencesBody,
  createWebhookBody,
  deliveryList,
  markReadBody,
  testAlertBody,
  testAlertResult,
  updateWebhookBody,
  webhookList,
  webhookView,
} from '../../shared/alerts.ts';
import { auditActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { localeFromAcceptLanguage } from '../mail/mail-locale.ts';
import { noContent } from '../openapi/route-docs.ts';
import { alertErrors } from './alert-errors.ts';

const tags = ['Alerts'];
const webhookParams = z.object({ id: z.uuid() });
const DELIVERIES_SHOWN = 50;

export const alertRoutes: FastifyPluginAsyncZod = async (app) => {
  const { alerts } = app;

  const readerOf = (request: Parameters<typeof currentUser>[0]) => {
    const user = currentUser(request);
    return { id: user.id, admin: user.role === 'admin' };
  };

  async function preferencesOf(userId: string, admin: boolean, acceptLanguage: string | undefined) {
    const stored = (await alerts.settings.preferencesOf([userId])).get(userId);
    return {
      email: alerts.emailEnabled && (stored?.email ?? admin),
      locale: stored?.locale ?? localeFromAcceptLanguage(acceptLanguage),
      emailAvailable: alerts.emailEnabled,
    };
  }

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/alerts',
        {
          schema: {
            tags,
            summary: 'My alerts, newest first',
            description:
              "Admins see the admins' alerts and their own; anyone else only their own. Paged by `cursor` (the previous answer's `nextCursor`); `unread` counts every unread alert of the caller, all pages.",
            querystring: alertListQuery,
            response: { 200: alertList },
          },
        },
        async (request) => alerts.inbox.list(readerOf(request), request.query),
      );

      app.post(
        '/api/alerts/read',
        {
          schema: {
            tags,
            summary: 'Mark alerts read',
            description: '`{ids}` marks those (ids the caller cannot see are ignored); `{all: true}` marks every one.',
            body: markReadBody,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await alerts.inbox.markRead(readerOf(request), request.body);
          return reply.status(204).send();
        },
      );

      app.get(
        '/api/alerts/preferences',
        {
          schema: {
            tags,
            summary: 'My alert e-mail choice',
            description:
              'Admins receive alert e-mails by default when e-mail is configured; other accounts only once they turn them on (alerts about their own keys and budget).',
            response: { 200: alertPreferences },
          },
        },
        async (request) => {
          const reader = readerOf(request);
          return preferencesOf(reader.id, reader.admin, request.headers['accept-language']);
        },
      );

      app.put(
        '/api/alerts/preferences',
        {
          schema: {
            tags,
            summary: 'Change my alert e-mail choice',
            description:
              '`locale` (fr or en) is the language of the e-mails; left out, the current one is kept (at first: the browser’s).',
            body: alertPreferencesBody,
            response: { 200: alertPreferences },
          },
        },
        async (request) => {
          const reader = readerOf(request);
          const current = await preferencesOf(reader.id, reader.admin, request.headers['accept-language']);
          await alerts.settings.setPreference(
            reader.id,
            { email: request.body.email, locale: request.body.locale ?? current.locale },
            auditActor(request),
          );
          return preferencesOf(reader.id, reader.admin, request.headers['accept-language']);
        },
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.get(
        '/api/admin/alerts/webhooks',
        {
          schema: {
            tags,
            summary: 'The alert webhooks',
            description: 'The secret is never sent back: `secretMask` is the same fixed mask for every webhook.',
            response: { 200: webhookList },
          },
        },
        async () => ({ webhooks: await alerts.settings.listWebhooks() }),
      );

      app.post(
        '/api/admin/alerts/webhooks',
        {
          schema: {
            tags,
            summary: 'Add an alert webhook',
            description:
              'http or https, no credentials in the URL, at most 2048 characters; link-local and cloud metadata addresses are refused (here and, after DNS resolution, at every delivery). Loopback and private addresses are allowed. Deliveries are signed with `secret` (Standard Webhooks: a `whsec_` secret is base64, any other is used as its UTF-8 bytes). `format` slack posts `{text}`.',
            body: createWebhookBody,
            response: { 201: webhookView },
          },
        },
        async (request, reply) =>
          reply.status(201).send(await alerts.settings.createWebhook(request.body, auditActor(request))),
      );

      app.patch(
        '/api/admin/alerts/webhooks/:id',
        {
          schema: {
            tags,
            summary: 'Change an alert webhook',
            description: 'Any subset of the fields; a new `secret` replaces the old one.',
            params: webhookParams,
            body: updateWebhookBody,
            response: { 200: webhookView },
          },
        },
        async (request) => alerts.settings.updateWebhook(request.params.id, request.body, auditActor(request)),
      );

      app.delete(
        '/api/admin/alerts/webhooks/:id',
        {
          schema: {
            tags,
            summary: 'Remove an alert webhook',
            description: 'Its pending deliveries are given up.',
            params: webhookParams,
            response: { 204: noContent },
          },
        },
        async (request, reply) => {
          await alerts.settings.deleteWebhook(request.params.id, auditActor(request));
          return reply.status(204).send();
        },
      );

      app.post(
        '/api/admin/alerts/test',
        {
          schema: {
            tags,
            summary: 'Send a test alert',
            description:
              "A fresh alert of kind `test`, shown in the caller's list, and sent by e-mail to the caller (`channel: email`, 400 `email_not_configured` without WEBOX_SMTP_URL) or to one webhook (`channel: webhook`, `webhookId`). `deliveries` is how many were queued.",
            body: testAlertBody,
            response: { 200: testAlertResult },
          },
        },
        async (request) => {
          const admin = currentUser(request);
          const { channel, webhookId } = request.body;
          if (channel === 'email' && !alerts.emailEnabled) throw alertErrors.emailNotConfigured();
          if (channel === 'webhook' && (!webhookId || !(await alerts.settings.webhookExists(webhookId)))) {
            throw alertErrors.webhookNotFound();
          }
          const raised = await alerts.raise({
            kind: 'test',
            onceKey: `test|${randomUUID()}`,
            severity: 'info',
            audience: 'user',
            subjectUserId: admin.id,
            details: {
              channel,
              requestedBy: admin.id,
              ...(channel === 'webhook' && webhookId ? { webhookId } : {}),
            },
          });
          if (!raised) throw new Error('a fresh once key was raised already');
          return { alertId: raised.id, deliveries: channel === 'app' ? 0 : 1 };
        },
      );

      app.get(
        '/api/admin/alerts/deliveries',
        {
          schema: {
            tags,
            summary: 'Recent alert deliveries',
            description:
              'The latest 50 e-mails and webhook posts, newest first: status, attempts, the next try of a pending one and the last failure in a few words (never a body, a URL or a secret).',
            response: { 200: deliveryList },
          },
        },
        async () => {
          const rows = await alerts.outbox.recent(DELIVERIES_SHOWN);
          const emails = await app.users.directory(
            rows.filter((row) => row.channel === 'email').map((row) => row.recipientId),
          );
          const hooks = await alerts.settings.names(
            rows.filter((row) => row.channel === 'webhook').map((row) => row.recipientId),
          );
          return {
            deliveries: rows.map(({ recipientId, ...row }) => ({
              ...row,
              recipient: (row.channel === 'email' ? emails.get(recipientId)?.email : hooks.get(recipientId)) ?? null,
            })),
          };
        },
      );
    }),
  );
};
