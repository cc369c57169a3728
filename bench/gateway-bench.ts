// `npm run bench`: the gateway's overhead (DESIGN §9, issue 4). A fake OpenAI upstream and one
// WeBox process (on PostgreSQL) share core 0; this load generator runs on core 1. The same
// requests go (a) straight to the fake, (b) through the bare proxy in bare-proxy.ts, (c) through
// WeBox's /v1/chat/completions with a real access token, key resolution and usage reading on,
// and (d) the same for a user under a budget (the quota hold on every request).
// `--quick` only checks that everything works (CI).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { Pool } from 'undici';
import { freePort, signUpOver } from '../test/helpers/server-process.ts';

const quick = process.argv.includes('--quick');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DURATION_MS = quick ? 600 : 3_000;
const WARMUP_MS = quick ? 200 : 1_500;
const RUNS = quick ? 1 : 3;
/** BENCH_ONLY=json:64 narrows a run to one mode and concurrency (for profiling). */
const only = process.env.BENCH_ONLY?.split(':');
const CONCURRENCIES = only?.[1] ? [Number(only[1])] : quick ? [1, 16] : [1, 16, 64];
const ALL_MODES = ['json', 'stream'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES = only?.[0] ? ALL_MODES.filter((mode) => mode === only[0]) : ALL_MODES;
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';

const children: ChildProcess[] = [];
/** V8 flags WeBox runs with in production (`npm start`); BENCH_NODE_FLAGS overrides them. */
const weboxNodeFlags = (
  process.env.BENCH_NODE_FLAGS ??
  (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { config?: { nodeFlags?: string } }).config
    ?.nodeFlags ??
  ''
)
  .split(' ')
  .filter(Boolean);
const hasTaskset = (() => {
  try {
    execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

function pinSelf(core: number) {
  if (hasTaskset) execFileSync('taskset', ['-pc', String(core), String(process.pid)], { stdio: 'ignore' });
}

/** Starts a child on core 0. */
function spawnOnCoreZero(args: string[], env: Record<string, string>) {
  const command = hasTaskset ? 'taskset' : process.execPath;
  const child = spawn(command, hasTaskset ? ['-c', '0', process.execPath, ...args] : args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  return child;
}

/** Starts a child on core 0 and resolves with the URL it prints after READY. */
function startChild(script: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const readyPattern = /READY (\S+)/;
  const child = spawnOnCoreZero([script], env);
  return new Promise((resolve, reject) => {
    let output = '';
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = readyPattern.exec(output);
      if (match?.[1]) resolve({ child, url: match[1] });
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}:\n${output.slice(-2000)}`)));
  });
}

async function waitReady(url: string) {
  for (let attempt = 0; attempt < 120; attempt++) {
    try {
      if ((await fetch(`${url}/readyz`)).ok) return;
    } catch {
      // not yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} never became ready`);
}

interface Sample {
  latencyMs: number;
  firstByteMs: number;
}

interface Target {
  name: 'direct' | 'bare-proxy' | 'webox' | 'webox-budget';
  origin: string;
  path: string;
  authorization: string;
  model: string;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

async function load(target: Target, mode: Mode, concurrency: number, durationMs: number) {
  const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Hello, benchmark! Please answer briefly.' }],
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const headers = { 'content-type': 'application/json', authorization: target.authorization };
  const samples: Sample[] = [];
  let errors = 0;
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const start = performance.now();
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers, body });
        let firstByteMs = -1;
        for await (const _chunk of response.body) {
          if (firstByteMs < 0) firstByteMs = performance.now() - start;
        }
        if (response.statusCode !== 200) errors++;
        else samples.push({ latencyMs: performance.now() - start, firstByteMs });
      } catch {
        errors++;
      }
    }
  };
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - startedAt) / 1000;
  await pool.close();
  return {
    requests: samples.length,
    errors,
    rps: samples.length / elapsedS,
    p50Ms: percentile(
      samples.map((sample) => sample.latencyMs),
      50,
    ),
    p99Ms: percentile(
      samples.map((sample) => sample.latencyMs),
      99,
    ),
    firstByteP50Ms: percentile(
      samples.map((sample) => sample.firstByteMs),
      50,
    ),
    firstByteP99Ms: percentile(
      samples.map((sample) => sample.firstByteMs),
      99,
    ),
  };
}

async function rssOf(pid: number) {
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const value = (name: string) =>
    Number(/^(\w+):\s+(\d+) kB$/m.exec(status.split('\n').find((line) => line.startsWith(name)) ?? '')?.[2] ?? 0) /
    1024;
  return { rssMb: value('VmRSS'), peakRssMb: value('VmHWM') };
}

async function main() {
  pinSelf(1);
  const databaseName = `webox_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database ${databaseName}`);
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();
  try {
    const fake = await startChild('bench/fake-upstream.ts', {});
    const fakeBase = fake.url; // http://127.0.0.1:PORT/v1
    const fakeOrigin = new URL(fakeBase).origin;
    const bare = await startChild('bench/bare-proxy.ts', { UPSTREAM: fakeOrigin });
    const port = await freePort();
    const weboxUrl = `http://127.0.0.1:${port}`;
    const weboxProcess = spawnOnCoreZero([...weboxNodeFlags, 'src/server/main.ts', 'serve'], {
      DATABASE_URL: databaseUrl,
      WEBOX_MASTER_KEY: randomBytes(32).toString('base64'),
      WEBOX_AUTH_SECRET: randomBytes(32).toString('base64url'),
      WEBOX_OPENAI_BASE_URL: fakeBase,
      WEBOX_PUBLIC_URL: weboxUrl,
      // One user sends thousands of requests a second here: the default 120 a minute would refuse them.
      WEBOX_RATE_LIMIT_RPM: '1000000000',
      // …and has 64 calls in flight at the top concurrency, past the default cap of 32.
      WEBOX_MAX_IN_FLIGHT_PER_USER: '1000',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    });
    let weboxOutput = '';
    weboxProcess.stderr?.on('data', (data: Buffer) => {
      weboxOutput = (weboxOutput + data.toString()).slice(-4000);
    });
    weboxProcess.once('exit', (code: number | null) => {
      if (code !== null && code !== 0) console.error(`WeBox exited with ${code}:\n${weboxOutput}`);
    });
    const webox = { child: weboxProcess };
    await waitReady(weboxUrl);

    // A real account, a global key and an access token, through the public API.
    const providerKey = `sk-proj-${randomBytes(24).toString('hex')}`;
    const asAdmin = await signUpOver(weboxUrl, 'bench@example.com');
    await asAdmin.call('PUT', '/api/admin/keys/openai', { apiKey: providerKey });
    const token = (await asAdmin.call('POST', '/api/tokens', { name: 'bench' })).json.token as string;

    // A second user whose global-key use is under a budget (one that never runs out): every
    // request then holds its worst case in PostgreSQL (webox_quota_hold) before the call.
    const asBudgetUser = await signUpOver(weboxUrl, 'budget@example.com');
    await asAdmin.call('PUT', `/api/admin/users/${asBudgetUser.id}/limits`, {
      global: { dayMicrousd: 1e15, monthMicrousd: null, dayTokens: null, monthTokens: null },
      personal: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
    });
    const budgetToken = (await asBudgetUser.call('POST', '/api/tokens', { name: 'bench-budget' })).json.token as string;

    const targets: Target[] = [
      {
        name: 'direct',
        origin: fakeOrigin,
        path: '/v1/chat/completions',
        authorization: `Bearer ${providerKey}`,
        model: 'gpt-4o-mini',
      },
      {
        name: 'bare-proxy',
        origin: new URL(bare.url).origin,
        path: '/v1/chat/completions',
        authorization: `Bearer ${providerKey}`,
        model: 'gpt-4o-mini',
      },
      {
        name: 'webox',
        origin: weboxUrl,
        path: '/v1/chat/completions',
        authorization: `Bearer ${token}`,
        model: 'openai/gpt-4o-mini',
      },
      {
        name: 'webox-budget',
        origin: weboxUrl,
        path: '/v1/chat/completions',
        authorization: `Bearer ${budgetToken}`,
        model: 'openai/gpt-4o-mini',
      },
    ];

    const results: Array<Record<string, unknown>> = [];
    let weboxRssUnderLoadMb = 0;
    for (const mode of MODES) {
      for (const concurrency of CONCURRENCIES) {
        for (const target of targets) {
          await load(target, mode, concurrency, WARMUP_MS);
          const runs: Array<Awaited<ReturnType<typeof load>>> = [];
          for (let run = 0; run < RUNS; run++) {
            runs.push(await load(target, mode, concurrency, DURATION_MS));
            if (target.name.startsWith('webox') && webox.child.pid) {
              weboxRssUnderLoadMb = Math.max(weboxRssUnderLoadMb, (await rssOf(webox.child.pid)).rssMb);
            }
          }
          const median = <K extends keyof (typeof runs)[number]>(key: K) =>
            percentile(
              runs.map((entry) => entry[key] as number),
              50,
            );
          const row = {
            target: target.name,
            mode,
            concurrency,
            rps: Math.round(median('rps')),
            p50Ms: +median('p50Ms').toFixed(3),
            p99Ms: +median('p99Ms').toFixed(3),
            firstByteP50Ms: +median('firstByteP50Ms').toFixed(3),
            firstByteP99Ms: +median('firstByteP99Ms').toFixed(3),
            errors: runs.reduce((sum, entry) => sum + entry.errors, 0),
            runs: runs.map((entry) => Math.round(entry.rps)),
          };
          results.push(row);
          console.log(
            `${mode.padEnd(6)} c=${String(concurrency).padStart(2)} ${target.name.padEnd(10)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  ttfb p50 ${row.firstByteP50Ms.toFixed(2)} ms  errors ${row.errors}`,
          );
        }
      }
    }

    const find = (target: string, mode: Mode, concurrency: number) =>
      results.find((row) => row.target === target && row.mode === mode && row.concurrency === concurrency) as
        | { rps: number; p50Ms: number; firstByteP50Ms: number; errors: number }
        | undefined;
    const top = Math.max(...CONCURRENCIES);
    const memory = webox.child.pid ? await rssOf(webox.child.pid) : { rssMb: 0, peakRssMb: 0 };
    const summary = {
      throughputRatioJson: (find('webox', 'json', top)?.rps ?? 0) / (find('bare-proxy', 'json', top)?.rps ?? 1),
      throughputRatioStream: (find('webox', 'stream', top)?.rps ?? 0) / (find('bare-proxy', 'stream', top)?.rps ?? 1),
      addedP50MsAtC1: (find('webox', 'json', 1)?.p50Ms ?? 0) - (find('direct', 'json', 1)?.p50Ms ?? 0),
      addedFirstByteMsAtC1:
        (find('webox', 'stream', 1)?.firstByteP50Ms ?? 0) - (find('direct', 'stream', 1)?.firstByteP50Ms ?? 0),
      // With a budget: one transaction (lock, totals, hold) per request, serialised per user.
      budgetThroughputRatioJson:
        (find('webox-budget', 'json', top)?.rps ?? 0) / (find('bare-proxy', 'json', top)?.rps ?? 1),
      budgetAddedP50MsAtC1: (find('webox-budget', 'json', 1)?.p50Ms ?? 0) - (find('direct', 'json', 1)?.p50Ms ?? 0),
      weboxRssUnderLoadMb: +weboxRssUnderLoadMb.toFixed(1),
      weboxPeakRssMb: +memory.peakRssMb.toFixed(1),
      concurrencyForRatios: top,
    };
    console.log(
      '\nsummary (targets: throughput ≥ 0.5 of bare proxy, added p50 ≤ 0.5 ms, added first byte ≤ 1 ms, RSS ≤ 250 MB)',
    );
    console.log(JSON.stringify(summary, null, 2));

    const errors = results.reduce((sum, row) => sum + (row.errors as number), 0);
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    const file = path.join(root, 'bench/results', `gateway-${new Date().toISOString().replaceAll(':', '-')}.json`);
    await writeFile(
      file,
      JSON.stringify({ quick, durationMs: DURATION_MS, runs: RUNS, pinned: hasTaskset, results, summary }, null, 2),
    );
    console.log(`results written to ${path.relative(root, file)}`);
    if (errors > 0) throw new Error(`${errors} requests failed during the benchmark`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`drop database if exists ${databaseName} with (force)`).catch(() => {});
    await admin.end();
  }
}

main().catch((error) => {
  for (const child of children) child.kill('SIGKILL');
  console.error(error);
  process.exit(1);
});
