// The benchmark's fake OpenAI upstream, in its own process: the test suite's fake, not recording.
import { startFakeUpstream } from '../test/fakes/index.ts';

const upstream = await startFakeUpstream('openai', { record: false });
console.log(`READY ${upstream.baseUrl}`);
process.on('SIGTERM', () => void upstream.close().then(() => process.exit(0)));
