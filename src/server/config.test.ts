// The billing settings (DESIGN §7): their defaults, their formats, and secrets that never reach a log.
import { Writable } from 'node:stream';
import pino, { type LoggerOptions } from 'pino';
import { describe, expect, it } from 'vitest';
import { parseConfig } from './config.ts';
import { loggerOptions } from './logging.ts';

const SECRET_KEY = `sk_test_${'a1B2c3D4'.repeat(3)}`;
const WEBHOOK_SECRET = `whsec_${'Z9y8X7w6'.repeat(3)}`;

describe('billing configuration', () => {
  it('is off without STRIPE_SECRET_KEY, with the documented defaults', () => {
    expect(parseConfig({}).billing).toEqual({
      enabled: false,
      stripeSecretKey: undefined,
      stripeWebhookSecrets: [],
      stripeApiUrl: 'https://api.stripe.com',
      graceDays: 3,
    });
  });

  it('reads a secret or restricted key, several webhook secrets, an origin and the grace days', () => {
    const billing = parseConfig({
      STRIPE_SECRET_KEY: SECRET_KEY,
      STRIPE_WEBHOOK_SECRET: `${WEBHOOK_SECRET}, whsec_second0secret`,
      WEBOX_STRIPE_API_URL: 'http://127.0.0.1:12111/',
      WEBOX_BILLING_GRACE_DAYS: '0',
    }).billing;
    expect(billing).toEqual({
      enabled: true,
      stripeSecretKey: SECRET_KEY,
      stripeWebhookSecrets: [WEBHOOK_SECRET, 'whsec_second0secret'],
      stripeApiUrl: 'http://127.0.0.1:12111',
      graceDays: 0,
    });
    expect(parseConfig({ STRIPE_SECRET_KEY: 'rk_live_0123456789abcdef' }).billing.enabled).toBe(true);
  });

  it.each([
    ['STRIPE_SECRET_KEY', 'pk_test_0123456789abcdef'],
    ['STRIPE_SECRET_KEY', 'not a key'],
    ['STRIPE_WEBHOOK_SECRET', 'secret_without_prefix'],
    ['WEBOX_STRIPE_API_URL', 'https://api.stripe.com/v1'],
    ['WEBOX_STRIPE_API_URL', 'not a url'],
    ['WEBOX_BILLING_GRACE_DAYS', '-1'],
    ['WEBOX_BILLING_GRACE_DAYS', '1.5'],
  ])('refuses %s=%s, naming the setting', (name, value) => {
    expect(() => parseConfig({ [name]: value })).toThrow(name);
  });

  it('never logs the Stripe secrets, even when the whole configuration is logged', () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino(loggerOptions('info') as LoggerOptions, stream);
    const config = parseConfig({ STRIPE_SECRET_KEY: SECRET_KEY, STRIPE_WEBHOOK_SECRET: WEBHOOK_SECRET });
    logger.info({ config }, 'configuration');
    logger.info(config.billing, 'billing');
    const text = lines.join('');
    expect(text).toContain('stripeApiUrl');
    expect(text).not.toContain(SECRET_KEY);
    expect(text).not.toContain(WEBHOOK_SECRET);
  });
});

describe('WEBOX_TRUST_PROXY', () => {
  it('trusts nobody by default, a hop count, or the proxies named', () => {
    expect(parseConfig({}).trustProxy).toBe(false);
    expect(parseConfig({ WEBOX_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(parseConfig({ WEBOX_TRUST_PROXY: ' 127.0.0.1, 10.0.0.0/8 ,fd00::/8,loopback' }).trustProxy).toEqual([
      '127.0.0.1',
      '10.0.0.0/8',
      'fd00::/8',
      'loopback',
    ]);
  });

  it.each(['true', '0', '11', '10.0.0.0/33', 'fd00::/129', '10.0.0.1/8/1', 'proxy.example.org', '127.0.0.1,'])(
    'refuses %j with a message naming the variable',
    (value) => {
      expect(() => parseConfig({ WEBOX_TRUST_PROXY: value })).toThrow(/WEBOX_TRUST_PROXY/);
    },
  );
});
