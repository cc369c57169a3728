// GET /api/settings/display (every signed-in user: the web app formats money and days with it) and
// PUT /api/admin/settings/display (admins). The rates themselves are billing's usdPerCurrency, each
// dated here when set (display-plugin.ts).

import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { displaySettingsBody, displaySettingsView } from '../../shared/display.ts';
import { signedInActor } from '../audit/audit-actor.ts';
import { currentUser } from '../auth/auth-plugin.ts';
import { adminScope, userScope } from '../auth/route-scopes.ts';
import { commonErrors } from '../errors.ts';
import type { DisplayRow } from './display-store.ts';

const tags = ['Settings'];

const VIEW =
  'Money is stored and budgeted in micro-dollars; the web app and the CSV exports show it in `currency` at `rate` (dollars per unit, in force since `since`: amounts of the past are shown at the current rate, with its date). `timeZone` is where days begin for budgets and statistics; usage already recorded keeps the day it was counted in.';

export const displayRoutes: FastifyPluginAsyncZod = async (app) => {
  const rates = () => app.billing.access.settings().usdPerCurrency;

  await app.register(
    userScope(async (app) => {
      app.get(
        '/api/settings/display',
        {
          schema: {
            tags,
            summary: 'How money and days are shown',
            description: VIEW,
            response: { 200: displaySettingsView },
          },
        },
        async () => app.display.view(rates()),
      );
    }),
  );

  await app.register(
    adminScope(async (app) => {
      app.put(
        '/api/admin/settings/display',
        {
          schema: {
            tags,
            summary: 'Change how money and days are shown',
            description: `${VIEW} Any subset: \`currency\` (lowercase ISO 4217), \`usdPerUnit\` (the rate of \`currency\`, or of the current currency, from now on; written into the billing settings' usdPerCurrency too), \`timeZone\` (IANA; null: back to WEBOX_TIMEZONE). A currency other than usd with no rate, given or already set, answers 400 invalid_request, and so does a rate for usd; nothing is changed then. Applies on every instance. Answers the whole object.`,
            body: displaySettingsBody,
            response: { 200: displaySettingsView },
          },
        },
        async (request) => {
          const { currency: asked, usdPerUnit, timeZone } = request.body;
          const adminId = currentUser(request).id;
          const currency = asked ?? app.display.view(rates()).currency;
          if (usdPerUnit !== undefined && currency === 'usd') {
            throw commonErrors.invalidRequest(
              'The dollar is the currency WeBox counts in: it takes no exchange rate. Give the currency the rate is for.',
            );
          }
          if (usdPerUnit === undefined && currency !== 'usd' && rates()[currency] === undefined) {
            throw commonErrors.invalidRequest(
              `There is no exchange rate for ${currency.toUpperCase()} yet: give usdPerUnit (how many dollars one ${currency.toUpperCase()} is worth) with the currency.`,
            );
          }
          if (usdPerUnit !== undefined) await app.billing.setRates({ [currency]: usdPerUnit }, signedInActor(request));
          const change: Partial<DisplayRow> = {};
          if (asked !== undefined) change.currency = asked;
          if (timeZone !== undefined) change.timeZone = timeZone;
          if (Object.keys(change).length > 0) await app.display.update(change, adminId);
          return app.display.view(rates());
        },
      );
    }),
  );
};
