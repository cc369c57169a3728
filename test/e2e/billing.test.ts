// Subscriptions in a real browser, in French, against the fake Stripe: the admin makes a plan with
// a Stripe price in Admin › Abonnements and keeps the global keys for subscribers; a free user is
// refused on the global key with the link to subscribe, subscribes through the (fake) Checkout,
// which returns to WeBox once Stripe's signed webhooks have arrived, and the same message then
// goes through; the admin sees the revenue in Admin › Consommation.
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import fr from '../../src/web/i18n/fr.json' with { type: 'json' };
import { defaultReplyFor } from '../fakes/reply-text.ts';
import { type FakeStripe, startFakeStripe } from '../fakes/stripe.ts';
import { makeKey } from '../helpers/keys.ts';
import { chooseModel, launchBrowser, screenshot, signUpInBrowser } from './browser.ts';
import { type E2eServer, startE2eServer } from './server.ts';

const WEBHOOK_SECRET = 'whsec_e2e_billing_secret';
const QUESTION = 'Bonjour, que comprend la formule Pro ?';

let browser: Browser;
let server: E2eServer;
let stripe: FakeStripe;

const signUp = (page: Page, name: string, email: string) => signUpInBrowser(page, server.baseUrl, fr, name, email);

beforeAll(async () => {
  browser = await launchBrowser();
});

// A fresh server and Stripe per attempt: a retry starts from the first sign-up (the first account
// is the admin).
beforeEach(async () => {
  await server?.close();
  await stripe?.close();
  stripe = await startFakeStripe();
  server = await startE2eServer({ env: { ...stripe.env, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET } });
  stripe.setWebhook(`${server.baseUrl}/api/billing/webhook`, WEBHOOK_SECRET);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await stripe?.close();
});

async function ask(page: Page) {
  await page.getByLabel(fr.chat.messageLabel).fill(QUESTION);
  await page.getByRole('button', { name: fr.chat.send }).click();
}

describe('subscriptions', () => {
  it('a free user is refused on the global key, subscribes through Checkout, and the same message goes through', async () => {
    const price = stripe.addPrice({ interval: 'month', unitAmount: 900, currency: 'eur' });

    // The admin: the global OpenAI key, then a plan and the policy in Admin › Abonnements.
    const adminContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const admin = await adminContext.newPage();
    admin.setDefaultTimeout(30_000);
    await signUp(admin, 'Ada Admin', 'ada@example.com');
    const saved = await admin.request.put(`${server.baseUrl}/api/admin/keys/openai`, {
      headers: { origin: server.baseUrl },
      data: { apiKey: makeKey.openai() },
    });
    expect(saved.status()).toBe(200);

    await admin.getByRole('link', { name: fr.nav.adminPlans }).click();
    await admin.getByRole('heading', { name: fr.adminBilling.title }).waitFor();
    const createForm = admin.getByTestId('plan-create');
    await createForm.getByLabel(fr.adminBilling.plan.name, { exact: true }).fill('Pro');
    await createForm.getByLabel(fr.adminBilling.plan.price.month).fill(price.id);
    await createForm.getByRole('button', { name: fr.adminBilling.plan.create }).click();
    await admin.getByText(fr.adminBilling.plan.created.replace('{{name}}', 'Pro')).waitFor();
    // The amount is the one Stripe gave, never typed in WeBox.
    await admin
      .getByTestId('plan-row')
      .filter({ hasText: 'Pro' })
      .getByText(/9,00\s€/)
      .first()
      .waitFor();

    const settings = admin.getByTestId('billing-settings');
    await settings.getByRole('radio', { name: /^Les abonnés seulement/ }).check();
    await settings.getByRole('button', { name: fr.adminBilling.settings.save }).click();
    await admin.getByText(fr.adminBilling.settings.saved).waitFor();
    await screenshot(admin, 'fr-20-admin-plans');

    // The free user: refused on the global key, in words, with the way to subscribe.
    const userContext = await browser.newContext({ locale: 'fr-FR', viewport: { width: 1280, height: 900 } });
    const user = await userContext.newPage();
    user.setDefaultTimeout(30_000);
    await signUp(user, 'Camille', 'camille@example.com');
    await chooseModel(user, fr.chat.model, 'openai', 'gpt-4o-mini');
    const callsBefore = server.fakes.byProvider.openai.requests.length;
    await ask(user);
    await user.getByText(fr.errors.subscription_required).first().waitFor();
    expect(server.fakes.byProvider.openai.requests.length).toBe(callsBefore);
    await screenshot(user, 'fr-21-subscription-required');

    // The link leads to the profile's billing section, whose button opens Stripe Checkout; the
    // fake Checkout delivers Stripe's signed webhooks to WeBox, then returns to the profile.
    await user.getByRole('link', { name: fr.chat.subscribeLink }).first().click();
    await user.getByRole('heading', { name: fr.billing.title }).waitFor();
    await user.getByRole('button', { name: /^S’abonner à Pro, 9,00\s€ \/ mois$/ }).click();
    await user.getByText(fr.billing.checkout.confirmed.replace('{{plan}}', 'Pro')).waitFor();
    expect(new URL(user.url()).pathname).toBe('/profile');
    await user.getByTestId('billing-status').getByText(fr.billing.status.active).waitFor();
    await screenshot(user, 'fr-22-subscribed');
    const billing = (await (await user.request.get(`${server.baseUrl}/api/billing`)).json()) as {
      status: string;
      plan: { name: string } | null;
      globalAccess: { allowed: boolean };
    };
    expect(billing).toMatchObject({ status: 'active', plan: { name: 'Pro' }, globalAccess: { allowed: true } });

    // The same message now goes through the global key.
    await user.goto(`${server.baseUrl}/`);
    await chooseModel(user, fr.chat.model, 'openai', 'gpt-4o-mini');
    await ask(user);
    await user
      .getByTestId('message-assistant')
      .filter({ hasText: defaultReplyFor('openai') })
      .waitFor();
    expect(server.fakes.byProvider.openai.requests.length).toBe(callsBefore + 1);

    // The admin sees what the subscription brought in, in its own currency.
    await server.app.metering.ledger.flush();
    await admin.getByRole('link', { name: fr.nav.adminUsage }).click();
    await admin.getByRole('heading', { name: fr.money.title }).waitFor();
    await admin
      .getByTestId('money-revenue')
      .getByText(/9,00\s€/)
      .first()
      .waitFor();
    await admin.getByTestId('revenue-user').first().waitFor();
    await screenshot(admin, 'fr-23-admin-revenue');
  });
});
