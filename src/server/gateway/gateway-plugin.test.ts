// The gateway reaches app.metering on every model call: it must say so, so that a registration in
// the wrong order fails at start with the missing plugin's name instead of at the first request.
import Fastify from 'fastify';
import fastifyPlugin from 'fastify-plugin';
import { describe, expect, it } from 'vitest';
import { gatewayPlugin } from './gateway-routes.ts';

/** A stand-in for one of WeBox's plugins: only its name matters to the dependency check. */
const present = (name: string) => fastifyPlugin(async () => {}, { name });

describe('the gateway plugin', () => {
  it('refuses to start without the metering plugin, naming it', async () => {
    const app = Fastify({ logger: false });
    for (const name of ['webox-database', 'webox-vault']) await app.register(present(name));
    await expect(app.register(gatewayPlugin)).rejects.toThrow(/webox-metering/);
    await app.close().catch(() => {});
  });
});
