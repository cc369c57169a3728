// Several instances must share Redis to count rate limits together. An instance on PostgreSQL
// without REDIS_URL says so at start, and louder when it hears another instance on the same
// database: the configuration then really lets N times the limit through.
import { randomUUID } from 'node:crypto';
import { type ChangeBus, RESYNC } from '../cache/change-bus.ts';

const INSTANCE_CHANNEL = 'instance';

interface WarnLogger {
  warn(object: Record<string, unknown>, message: string): void;
}

export async function warnWhenCountedAlone(bus: ChangeBus, log: WarnLogger) {
  log.warn(
    {},
    'Rate limits are counted in this process only (REDIS_URL is not set). If several WeBox instances share this database, each counts alone and lets up to N times the limit through: set REDIS_URL to the same Redis on every instance.',
  );
  // Instances say hello on the database's notification channel; one that hears another answers.
  const me = randomUUID();
  bus.subscribe(INSTANCE_CHANNEL, (message) => {
    if (message === RESYNC) return;
    const [kind, id] = message.split(':');
    if (!id || id === me) return;
    log.warn(
      { otherInstance: id },
      'Another WeBox instance shares this database and REDIS_URL is not set: rate limits are counted per instance. Set REDIS_URL on every instance.',
    );
    if (kind === 'hello') void bus.publish(INSTANCE_CHANNEL, `here:${me}`);
  });
  await bus.publish(INSTANCE_CHANNEL, `hello:${me}`);
}
