// `npm run bench`: the gateway's overhead (DESIGN §9, issues 4 and 13). A fake OpenAI upstream,
// the bare proxy and the WeBox processes share core 0; this load generator runs on core 1. The
// same requests go (a) straight to the fake, (b) through the bare proxy in bare-proxy.ts, (c)
// through WeBox's /v1/chat/completions with a real access token, key resolution and usage reading
// on, (d) the same for a user under a budget (money and tokens, day and month, on the global key),
// and (e, f) both again spread over two more instances sharing the database and Redis. Every figure
// is printed beside its target; a run where any request failed (a 429, a 401…) gives no figure.
// `--quick` only checks that everything works (CI).
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pg from 'pg';
import { Pool } from 'undici';
import { freePort, signUpOver } from '../test/helpers/server-process.ts';
import { root, serveArgs, serveEnv, warmCompileCache } from './production-launch.ts';

const quick = process.argv.includes('--quick');
const DURATION_MS = quick ? 600 : 3_000;
const WARMUP_MS = quick ? 200 : 1_500;
const RUNS = quick ? 1 : 3;
/** BENCH_ONLY=json:64 narrows a run to one mode and concurrency (for profiling); BENCH_TARGETS=webox,bare-proxy to some targets. */
const only = process.env.BENCH_ONLY?.split(':');
const CONCURRENCIES = only?.[1] ? [Number(only[1])] : quick ? [1, 16] : [1, 64];
const ALL_MODES = ['json', 'stream'] as const;
type Mode = (typeof ALL_MODES)[number];
const MODES = only?.[0] ? ALL_MODES.filter((mode) => mode === only[0]) : ALL_MODES;
const TARGETS = process.env.BENCH_TARGETS?.split(',').filter(Boolean);
const adminUrl = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

const children: ChildProcess[] = [];
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

type TargetName = 'direct' | 'bare-proxy' | 'webox' | 'webox-budget' | 'pair' | 'pair-budget';

interface Target {
  name: TargetName;
  /** Requests go round-robin over these (two for the pair of instances). */
  origins: string[];
  /** The processes that serve this target, for their CPU time. */
  pids: number[];
  path: string;
  authorization: string;
  model: string;
}

const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
};

/** User plus system CPU time of these processes, in ms (/proc/<pid>/stat, clock ticks of 10 ms). */
async function cpuMsOf(pids: number[]) {
  let ticks = 0;
  for (const pid of pids) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => '');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks * 10;
}

async function load(target: Target, mode: Mode, concurrency: number, durationMs: number) {
  const pools = target.origins.map((origin) => new Pool(origin, { connections: concurrency, pipelining: 1 }));
  const body = JSON.stringify({
    model: target.model,
    messages: [{ role: 'user', content: 'Hello, benchmark! Please answer briefly.' }],
    ...(mode === 'stream' ? { stream: true, stream_options: { include_usage: true } } : {}),
  });
  const headers = { 'content-type': 'application/json', authorization: target.authorization };
  const samples: Sample[] = [];
  let errors = 0;
  /** Failed requests by status ('network' when none came back). */
  const failures: Record<string, number> = {};
  const fail = (why: string) => {
    errors++;
    failures[why] = (failures[why] ?? 0) + 1;
  };
  let sent = 0;
  const deadline = performance.now() + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      const pool = pools[sent++ % pools.length] as Pool;
      const start = performance.now();
      try {
        const response = await pool.request({ path: target.path, method: 'POST', headers, body });
        let firstByteMs = -1;
        for await (const _chunk of response.body) {
          if (firstByteMs < 0) firstByteMs = performance.now() - start;
        }
        if (response.statusCode !== 200) fail(String(response.statusCode));
        else samples.push({ latencyMs: performance.now() - start, firstByteMs });
      } catch {
        fail('network');
      }
    }
  };
  const cpuBefore = await cpuMsOf(target.pids);
  const startedAt = performance.now();
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedS = (performance.now() - startedAt) / 1000;
  const cpuMs = (await cpuMsOf(target.pids)) - cpuBefore;
  await Promise.all(pools.map((pool) => pool.close()));
  return {
    requests: samples.length,
    errors,
    failures,
    cpuUsPerRequest: samples.length > 0 ? (cpuMs * 1000) / samples.length : 0,
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

/** What one WeBox process needs; the secrets are shared so that instances read each other's rows. */
function weboxEnvironment(databaseUrl: string, fakeBase: string, secrets: { master: string; auth: string }) {
  return {
    DATABASE_URL: databaseUrl,
    WEBOX_MASTER_KEY: secrets.master,
    WEBOX_AUTH_SECRET: secrets.auth,
    WEBOX_OPENAI_BASE_URL: fakeBase,
    // One user sends thousands of requests a second here: the default 120 a minute would refuse them.
    WEBOX_RATE_LIMIT_RPM: '1000000000',
    // …and has 64 calls in flight at the top concurrency, past the default cap of 32.
    WEBOX_MAX_IN_FLIGHT_PER_USER: '1000',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
  };
}

/** Starts one WeBox instance on core 0 and waits until it is ready. */
async function startWebox(env: Record<string, string>) {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawnOnCoreZero(serveArgs(), {
    ...serveEnv(),
    ...env,
    WEBOX_PUBLIC_URL: url,
    PORT: String(port),
  });
  let output = '';
  child.stderr?.on('data', (data: Buffer) => {
    output = (output + data.toString()).slice(-4000);
  });
  child.once('exit', (code: number | null) => {
    if (code !== null && code !== 0) console.error(`WeBox (${url}) exited with ${code}:\n${output}`);
  });
  await waitReady(url);
  return { child, url, pid: child.pid ?? 0 };
}

/** A budget that never runs out but is checked on every request: money and tokens, day and month. */
const endlessBudget = { dayMicrousd: 1e15, monthMicrousd: 1e15, dayTokens: 1e15, monthTokens: 1e15 };

type Row = {
  target: TargetName;
  mode: Mode;
  concurrency: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  firstByteP50Ms: number;
  firstByteP99Ms: number;
  cpuUsPerRequest: number;
  errors: number;
  failures: Record<string, number>;
  runs: number[];
};

async function main() {
  pinSelf(1);
  warmCompileCache();
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
    const secrets = { master: randomBytes(32).toString('base64'), auth: randomBytes(32).toString('base64url') };
    const environment = weboxEnvironment(databaseUrl, fakeBase, secrets);
    // The single instance: PostgreSQL only, as issue 13 measured it.
    const webox = await startWebox(environment);
    const rssAfterStartMb = (await rssOf(webox.pid)).rssMb;

    // A real account, a global key and an access token, through the public API.
    const providerKey = `sk-proj-${randomBytes(24).toString('hex')}`;
    const asAdmin = await signUpOver(webox.url, 'bench@example.com');
    await asAdmin.call('PUT', '/api/admin/keys/openai', { apiKey: providerKey });
    const token = (await asAdmin.call('POST', '/api/tokens', { name: 'bench' })).json.token as string;

    // A second user whose global-key use is under a budget that never runs out: every request is
    // admitted against it, exactly as a subscriber's under a plan's budget.
    const asBudgetUser = await signUpOver(webox.url, 'budget@example.com');
    const limits = await asAdmin.call('PUT', `/api/admin/users/${asBudgetUser.id}/limits`, {
      global: endlessBudget,
      personal: null,
      requestsPerMinute: null,
      tokensPerMinute: null,
    });
    if (limits.status !== 200) throw new Error(`setting the budget failed: ${limits.status}`);
    const budgetToken = (await asBudgetUser.call('POST', '/api/tokens', { name: 'bench-budget' })).json.token as string;

    // The pair: two more instances on the same database, counting together in Redis.
    const pairWanted = !TARGETS || TARGETS.some((name) => name.startsWith('pair'));
    const pair = pairWanted
      ? await Promise.all([0, 1].map(() => startWebox({ ...environment, REDIS_URL: redisUrl })))
      : [];

    const path1 = '/v1/chat/completions';
    const allTargets: Target[] = [
      {
        name: 'direct',
        origins: [fakeOrigin],
        pids: [fake.child.pid ?? 0],
        path: path1,
        authorization: `Bearer ${providerKey}`,
        model: 'gpt-4o-mini',
      },
      {
        name: 'bare-proxy',
        origins: [new URL(bare.url).origin],
        pids: [bare.child.pid ?? 0],
        path: path1,
        authorization: `Bearer ${providerKey}`,
        model: 'gpt-4o-mini',
      },
      {
        name: 'webox',
        origins: [webox.url],
        pids: [webox.pid],
        path: path1,
        authorization: `Bearer ${token}`,
        model: 'openai/gpt-4o-mini',
      },
      {
        name: 'webox-budget',
        origins: [webox.url],
        pids: [webox.pid],
        path: path1,
        authorization: `Bearer ${budgetToken}`,
        model: 'openai/gpt-4o-mini',
      },
      ...(pair.length === 2
        ? ([
            {
              name: 'pair',
              origins: pair.map((instance) => instance.url),
              pids: pair.map((instance) => instance.pid),
              path: path1,
              authorization: `Bearer ${token}`,
              model: 'openai/gpt-4o-mini',
            },
            {
              name: 'pair-budget',
              origins: pair.map((instance) => instance.url),
              pids: pair.map((instance) => instance.pid),
              path: path1,
              authorization: `Bearer ${budgetToken}`,
              model: 'openai/gpt-4o-mini',
            },
          ] satisfies Target[])
        : []),
    ];
    const targets = allTargets.filter((target) => !TARGETS || TARGETS.includes(target.name));

    const results: Row[] = [];
    let weboxRssUnderLoadMb = 0;
    for (const mode of MODES) {
      for (const concurrency of CONCURRENCIES) {
        for (const target of targets) {
          await load(target, mode, concurrency, WARMUP_MS);
          const runs: Array<Awaited<ReturnType<typeof load>>> = [];
          for (let run = 0; run < RUNS; run++) {
            runs.push(await load(target, mode, concurrency, DURATION_MS));
            if (target.name.startsWith('webox')) {
              weboxRssUnderLoadMb = Math.max(weboxRssUnderLoadMb, (await rssOf(webox.pid)).rssMb);
            }
          }
          const median = (key: 'rps' | 'p50Ms' | 'p99Ms' | 'firstByteP50Ms' | 'firstByteP99Ms' | 'cpuUsPerRequest') =>
            percentile(
              runs.map((entry) => entry[key]),
              50,
            );
          const failures: Record<string, number> = {};
          for (const entry of runs)
            for (const [why, count] of Object.entries(entry.failures)) failures[why] = (failures[why] ?? 0) + count;
          const row: Row = {
            target: target.name,
            mode,
            concurrency,
            rps: Math.round(median('rps')),
            p50Ms: +median('p50Ms').toFixed(3),
            p99Ms: +median('p99Ms').toFixed(3),
            firstByteP50Ms: +median('firstByteP50Ms').toFixed(3),
            firstByteP99Ms: +median('firstByteP99Ms').toFixed(3),
            cpuUsPerRequest: Math.round(median('cpuUsPerRequest')),
            errors: runs.reduce((sum, entry) => sum + entry.errors, 0),
            failures,
            runs: runs.map((entry) => Math.round(entry.rps)),
          };
          results.push(row);
          const failed = row.errors > 0 ? `  FAILED ${JSON.stringify(failures)}: no figure` : '';
          console.log(
            row.errors > 0
              ? `${mode.padEnd(6)} c=${String(concurrency).padStart(2)} ${target.name.padEnd(12)}${failed}`
              : `${mode.padEnd(6)} c=${String(concurrency).padStart(2)} ${target.name.padEnd(12)} ${String(row.rps).padStart(6)} req/s  p50 ${row.p50Ms.toFixed(2)} ms  p99 ${row.p99Ms.toFixed(2)} ms  ttfb p50 ${row.firstByteP50Ms.toFixed(2)} ms  cpu ${row.cpuUsPerRequest} µs/req`,
          );
        }
      }
    }
    const memory = await rssOf(webox.pid);
    const top = Math.max(...CONCURRENCIES);
    const checks = judge(results, top, { rssAfterStartMb, rssAfterLoadMb: memory.rssMb });
    console.log(`\ntargets (issue 13; ratios within this run, c=${top} for throughput):`);
    for (const check of checks) console.log(`  ${check.line}`);

    const errors = results.reduce((sum, row) => sum + row.errors, 0);
    await mkdir(path.join(root, 'bench/results'), { recursive: true });
    const file = path.join(root, 'bench/results', `gateway-${new Date().toISOString().replaceAll(':', '-')}.json`);
    const summary = {
      weboxRssAfterStartMb: +rssAfterStartMb.toFixed(1),
      weboxRssAfterLoadMb: +memory.rssMb.toFixed(1),
      weboxRssUnderLoadMb: +weboxRssUnderLoadMb.toFixed(1),
      weboxPeakRssMb: +memory.peakRssMb.toFixed(1),
      targets: checks.map(({ line: _line, ...check }) => check),
    };
    await writeFile(
      file,
      JSON.stringify({ quick, durationMs: DURATION_MS, runs: RUNS, pinned: hasTaskset, results, summary }, null, 2),
    );
    console.log(`results written to ${path.relative(root, file)}`);
    if (errors > 0) throw new Error(`${errors} requests failed during the benchmark: those runs give no figure`);
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    await admin.query(`drop database if exists ${databaseName} with (force)`).catch(() => {});
    await admin.end();
  }
}

interface Check {
  name: string;
  value: number | null;
  target: string;
  met: boolean | null;
  line: string;
}

/**
 * Issue 13's targets, each figure beside its own. A figure built on a row with a failed request
 * (or a row not measured in this run) is null and neither met nor not met.
 */
function judge(results: Row[], top: number, memory: { rssAfterStartMb: number; rssAfterLoadMb: number }): Check[] {
  const row = (target: TargetName, mode: Mode, concurrency: number) => {
    const found = results.find(
      (entry) => entry.target === target && entry.mode === mode && entry.concurrency === concurrency,
    );
    return found && found.errors === 0 ? found : undefined;
  };
  const checks: Check[] = [];
  const add = (name: string, value: number | null, unit: string, target: string, met: (value: number) => boolean) => {
    const shown = value === null ? 'no figure' : `${value.toFixed(unit === '×' ? 2 : unit === 'ms' ? 3 : 1)} ${unit}`;
    const verdict = value === null ? 'no figure (missing or failed run)' : met(value) ? 'met' : 'NOT met';
    checks.push({
      name,
      value: value === null ? null : +value.toFixed(4),
      target,
      met: value === null ? null : met(value),
      line: `${name.padEnd(72)} ${shown.padStart(10)}   target ${target.padEnd(10)} ${verdict}`,
    });
  };
  const both = <T>(a: T | undefined, b: T | undefined, f: (a: T, b: T) => number) =>
    a !== undefined && b !== undefined ? f(a, b) : null;
  for (const [label, unbudgeted, budgeted] of [
    ['one instance', 'webox', 'webox-budget'],
    ['two instances, PostgreSQL + Redis', 'pair', 'pair-budget'],
  ] as const) {
    for (const mode of ALL_MODES) {
      add(
        `budget ${mode} c=1 p50 over unbudgeted (${label})`,
        both(row(budgeted, mode, 1), row(unbudgeted, mode, 1), (a, b) => a.p50Ms - b.p50Ms),
        'ms',
        '≤ 0.3 ms',
        (value) => value <= 0.3,
      );
      add(
        `budget ${mode} c=${top} throughput / unbudgeted (${label})`,
        both(row(budgeted, mode, top), row(unbudgeted, mode, top), (a, b) => a.rps / b.rps),
        '×',
        '≥ 0.80×',
        (value) => value >= 0.8,
      );
    }
  }
  add(
    'unbudgeted json c=1 CPU per request / bare proxy',
    both(row('webox', 'json', 1), row('bare-proxy', 'json', 1), (a, b) => a.cpuUsPerRequest / b.cpuUsPerRequest),
    '×',
    '≤ 1.50×',
    (value) => value <= 1.5,
  );
  for (const [mode, limit] of [
    ['json', 0.25],
    ['stream', 0.4],
  ] as const) {
    add(
      `unbudgeted ${mode} c=1 added p50 (over direct)`,
      both(row('webox', mode, 1), row('direct', mode, 1), (a, b) => a.p50Ms - b.p50Ms),
      'ms',
      `≤ ${limit} ms`,
      (value) => value <= limit,
    );
  }
  for (const mode of ALL_MODES) {
    add(
      `unbudgeted ${mode} c=${top} throughput / bare proxy`,
      both(row('webox', mode, top), row('bare-proxy', mode, top), (a, b) => a.rps / b.rps),
      '×',
      '≥ 1.10×',
      (value) => value >= 1.1,
    );
  }
  add('RSS after start-up', memory.rssAfterStartMb, 'MB', '≤ 120 MB', (value) => value <= 120);
  add('RSS after the load', memory.rssAfterLoadMb, 'MB', '≤ 150 MB', (value) => value <= 150);
  return checks;
}

main().catch((error) => {
  for (const child of children) child.kill('SIGKILL');
  console.error(error);
  process.exit(1);
});
