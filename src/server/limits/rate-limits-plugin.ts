// The rate-limit store, opened before the accounts module (sign-in attempts are throttled with
// it). Several instances must share Redis to count together: an instance that sees another one on
// the same database without REDIS_URL says so at start.
import { randomUUID } from 'node:crypto';
import fastifyPlugin from 'fastify-plugin';
import { RESYNC } from '../cache/change-bus.ts';
import { createRateLimits, type RateLimits } from './rate-limits.ts';

declare module 'fastify' {
  interface FastifyInstance {
    rateLimits: RateLimits;
  }
}

const INSTANCE_CHANNEL = 'instance';

export const rateLimitsPlugin = fastifyPlugin(
  async (app) => {
    const log = app.log.child({ module: 'limits' });
    const rateLimits = await createRateLimits({
      redisUrl: app.config.redisUrl,
      keyPrefix: app.config.redisPrefix,
      log,
    });
    app.decorate('rateLimits', rateLimits);
    app.addHook('onClose', async () => rateLimits.close());

    if (rateLimits.store === 'memory' && app.database.kind === 'postgres') {
      log.warn(
        {},
        'Rate limits are counted in this process only (REDIS_URL is not set). If several WeBox instances share this database, each counts alone and lets up to N times the limit through: set REDIS_URL to the same Redis on every instance.',
      );
      // Instances say hello on the database's notification channel; one that hears another says
      // so loudly, since the configuration now really lets N times the limit through.
      const me = randomUUID();
      app.bus.subscribe(INSTANCE_CHANNEL, (message) => {
        if (message === RESYNC) return;
        const [kind, id] = message.split(':');
        if (!id || id === me) return;
        log.warn(
          { otherInstance: id },
          'Another WeBox instance shares this database and REDIS_URL is not set: rate limits are counted per instance. Set REDIS_URL on every instance.',
        );
        if (kind === 'hello') void app.bus.publish(INSTANCE_CHANNEL, `here:${me}`);
      });
      await app.bus.publish(INSTANCE_CHANNEL, `hello:${me}`);
    }
  },
  { name: 'webox-rate-limits', dependencies: ['webox-database'] },
);
