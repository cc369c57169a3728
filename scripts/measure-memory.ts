// `node scripts/measure-memory.ts [pg|pglite]`: WeBox's resident memory right after start-up and
// after a load like the benchmark's (issue 13: ≤ 120 MB and ≤ 150 MB). One WeBox process, the
// test suite's fake OpenAI upstream in this process, JSON then streaming at concurrency 64.
// MEASURE_NODE_FLAGS overrides the V8 flags (default: package.json's config.nodeFlags, as
// `npm start` and the benchmark use); MEASURE_SECONDS the load per mode (default 20).
// MEASURE_SNAPSHOT=1 adds --heapsnapshot-signal=SIGUSR2 and takes a snapshot after start and
// after load (written in the server's working folder, this checkout).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { root, serveArgs, serveEnv, warmCompileCache } from '../bench/production-launch.ts';
import { startFakeUpstream } from '../test/fakes/index.ts';
import { freePort, signUpOver } from '../test/helpers/server-process.ts';

const database = process.argv[2] === 'pglite' ? 'pglite' : 'pg';
const seconds = Number(process.env.MEASURE_SECONDS ?? 20);
const snapshot = process.env.MEASURE_SNAPSHOT === '1';
const nodeFlags = [
  ...(snapshot ? ['--heapsnapshot-signal=SIGUSR2'] : []),
  // MEASURE_IMPORT=file.mjs preloads a module in the server (a sampler of process.memoryUsage()).
  ...(process.env.MEASURE_IMPORT ? ['--import', process.env.MEASURE_IMPORT] : []),
];
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

async function rssMb(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) / 1024;
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function load(origin: string, token: string, stream: boolean, concurrency: number, durationMs: number) {
  const pool = new Pool(origin, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Hello, benchmark! Please answer briefly.' }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
  let done = 0;
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers, body });
      for await (const _chunk of response.body) {
        // drain
      }
      if (response.statusCode === 200) done++;
      else errors++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  await pool.close();
  return { done, errors };
}

const upstream = await startFakeUpstream('openai', { record: false });
const dataDir = await mkdtemp(path.join(tmpdir(), 'webox-memory-'));
const databaseName = `webox_memory_${randomBytes(4).toString('hex')}`;
const admin = database === 'pg' ? new pg.Client({ connectionString: adminUrl }) : undefined;
if (admin) {
  await admin.connect();
  await admin.query(`create database ${databaseName}`);
}
const port = await freePort();
const url = `http://127.0.0.1:${port}`;
warmCompileCache();
const child = spawn(process.execPath, [...nodeFlags, ...serveArgs(process.env.MEASURE_NODE_FLAGS)], {
  cwd: root,
  env: {
    PATH: process.env.PATH ?? '',
    ...serveEnv(),
    // glibc's allocator settings (MALLOC_ARENA_MAX=2, …) reach the server when set here.
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => /^(MALLOC_|MEMLOG_)/.test(name))),
    WEBOX_DATA_DIR: dataDir,
    ...(admin ? { DATABASE_URL: Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString() } : {}),
    WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
    WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
    WEBOX_OPENAI_BASE_URL: upstream.baseUrl,
    WEBOX_PUBLIC_URL: url,
    WEBOX_RATE_LIMIT_RPM: '1000000000',
    WEBOX_MAX_IN_FLIGHT_PER_USER: '1000',
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
try {
  for (let attempt = 0; ; attempt++) {
    if (attempt > 240) throw new Error('WeBox never became ready');
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      break;
    await pause(250);
  }
  await pause(2_000);
  const pid = child.pid as number;
  const afterStart = await rssMb(pid);
  if (snapshot) {
    process.kill(pid, 'SIGUSR2');
    await pause(5_000);
  }
  const asAdmin = await signUpOver(url, 'memory@example.com');
  await asAdmin.call('PUT', '/api/admin/keys/openai', { apiKey: `sk-proj-${randomBytes(24).toString('hex')}` });
  const token = (await asAdmin.call('POST', '/api/tokens', { name: 'memory' })).json.token as string;
  let peak = 0;
  const sampler = setInterval(() => void rssMb(pid).then((value) => (peak = Math.max(peak, value))), 200);
  const json = await load(url, token, false, 64, seconds * 1000);
  const afterJson = await rssMb(pid);
  const stream = await load(url, token, true, 64, seconds * 1000);
  clearInterval(sampler);
  const afterLoad = await rssMb(pid);
  await pause(2_000);
  const settled = await rssMb(pid);
  if (snapshot) {
    process.kill(pid, 'SIGUSR2');
    await pause(8_000);
  }
  console.log(
    JSON.stringify(
      {
        database,
        nodeFlags: [...nodeFlags, ...serveArgs(process.env.MEASURE_NODE_FLAGS)].slice(0, -2).join(' '),
        env: serveEnv(),
        afterStartMb: +afterStart.toFixed(1),
        afterJsonMb: +afterJson.toFixed(1),
        afterLoadMb: +afterLoad.toFixed(1),
        settledMb: +settled.toFixed(1),
        peakUnderLoadMb: +peak.toFixed(1),
        requests: { json, stream },
      },
      null,
      2,
    ),
  );
} finally {
  child.kill('SIGTERM');
  await pause(1_000);
  await upstream.close();
  await rm(dataDir, { recursive: true, force: true });
  if (admin) {
    await admin.query(`drop database if exists ${databaseName} with (force)`).catch(() => {});
    await admin.end();
  }
}
