// The process around the routes (issue 10, items 6, 10, 11 and part of 13), on real processes
// where it takes one: the embedded database's lock, the graceful stop, the server's timeouts and
// connection cap, readiness, the Origin check and the headers every answer carries.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireEmbeddedLock, EmbeddedDatabaseLockedError } from '../src/server/db/embedded-lock.ts';
import { startServerProcess } from './helpers/server-process.ts';

const folders: string[] = [];
const newFolder = async () => {
  const folder = await mkdtemp(path.join(tmpdir(), 'webox-process-'));
  folders.push(folder);
  return folder;
};

afterAll(async () => {
  await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
});

/** Resolves with the exit code (or the signal's name) once the child has exited. */
const exited = (child: ChildProcess) =>
  new Promise<number | string>((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else if (child.signalCode !== null) resolve(child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal ?? -1));
  });

/** `webox serve` as an operator runs it, kept until it exits (for the starts that must fail). */
async function serveUntilExit(env: Record<string, string>) {
  const child = spawn(process.execPath, ['src/server/main.ts', 'serve'], {
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'warn', PORT: '0', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  child.stderr?.on('data', (data: Buffer) => {
    output += data.toString();
  });
  const code = await exited(child);
  return { code, output };
}

describe('the embedded lock (item 6)', () => {
  it('is not fooled by a pid, dies with a killed server, and refuses a second server while one lives', async () => {
    const dataDir = path.join(await newFolder(), 'data');
    const env = { WEBOX_DATA_DIR: dataDir };
    const lockFile = path.join(dataDir, 'webox.lock');

    // pid 1 is "alive" in every container: an old lock naming it must not stop the start.
    await mkdir(dataDir, { recursive: true });
    await writeFile(lockFile, '1\n');
    let server = await startServerProcess(env);
    expect(await readFile(lockFile, 'utf8')).toBe(`${server.child.pid}\n`);

    // A second server on the same folder is refused while the first one lives, and says why.
    const second = await serveUntilExit(env);
    expect(second.code).toBe(1);
    expect(second.output).toContain(`in use by WeBox process ${server.child.pid}`);
    // The refusal did not take the first server's lock away.
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // Killed while idle, it leaves its files behind; the next start takes the lock over.
    server.kill();
    await exited(server.child);
    expect(await readFile(lockFile, 'utf8')).toBe(`${server.child.pid}\n`);
    if (process.platform !== 'win32') expect((await stat(path.join(dataDir, 'webox.sock'))).isSocket()).toBe(true);
    server = await startServerProcess(env);
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);

    // A pid that belongs to another live process (this test's parent) does not stop a start either.
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    await writeFile(lockFile, `${process.ppid}\n`);
    server = await startServerProcess(env);
    server.child.kill('SIGTERM');
    expect(await exited(server.child)).toBe(0);
    // A clean stop leaves nothing behind.
    await expect(stat(lockFile)).rejects.toThrow();
    await expect(stat(path.join(dataDir, 'webox.sock'))).rejects.toThrow();
  }, 120_000);

  it('is held by a live process and released by its death, whatever it was killed with', async () => {
    const dataDir = path.join(await newFolder(), 'data');
    // The lock function alone, in a child process that holds it until it is killed.
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { acquireEmbeddedLock } from './src/server/db/embedded-lock.ts';
         await acquireEmbeddedLock(${JSON.stringify(dataDir)}, 'test');
         console.log('held');
         setInterval(() => {}, 1000);`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout?.once('data', () => resolve()));
    await expect(acquireEmbeddedLock(dataDir, 'webox migrate')).rejects.toThrow(EmbeddedDatabaseLockedError);
    await expect(acquireEmbeddedLock(dataDir, 'webox migrate')).rejects.toThrow(`process ${holder.pid}`);

    holder.kill('SIGKILL');
    await exited(holder);
    const release = await acquireEmbeddedLock(dataDir, 'webox migrate');
    // Held by this process now: a second taker in the same process is refused too.
    await expect(acquireEmbeddedLock(dataDir, 'webox serve')).rejects.toThrow(EmbeddedDatabaseLockedError);
    await release();
    await (await acquireEmbeddedLock(dataDir, 'webox serve'))();
  });

  // Two ways in: the whole lock, and the socket file alone (what two starters in different network
  // namespaces share, where the abstract socket does not decide between them).
  it.each([
    ['the whole lock', `await acquireEmbeddedLock(dataDir, 'test')`],
    ['the socket file alone', `if (!(await bindSocketFile(dataDir))) throw new EmbeddedDatabaseLockedError('held')`],
  ])('lets only one of several simultaneous starters take a stale lock over (%s)', async (_name, take) => {
    const dataDir = await realpath(await newFolder());
    const script = (body: string) =>
      `import { acquireEmbeddedLock, bindSocketFile, EmbeddedDatabaseLockedError } from './src/server/db/embedded-lock.ts';
       const dataDir = ${JSON.stringify(dataDir)};
       ${body}`;
    // A stale socket file, as a process killed with kill -9 leaves it.
    const dead = spawn(
      process.execPath,
      ['--input-type=module', '-e', script(`${take}; process.kill(process.pid, 'SIGKILL');`)],
      { stdio: 'inherit' },
    );
    await exited(dead);
    expect((await stat(path.join(dataDir, 'webox.sock'))).isSocket()).toBe(true);
    // Separate processes, started together: exactly one holds the lock.
    const starters = Array.from({ length: 4 }, () =>
      spawn(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          script(`try {
             ${take};
             console.log('held');
           } catch (error) {
             console.log(error.name);
           }
           setTimeout(() => {}, 2000);`),
        ],
        { stdio: ['ignore', 'pipe', 'inherit'] },
      ),
    );
    const answers = await Promise.all(
      starters.map(
        (child) =>
          new Promise<string>((resolve) => {
            let text = '';
            child.stdout?.on('data', (data: Buffer) => {
              text += data.toString();
            });
            child.once('exit', () => resolve(text.trim()));
          }),
      ),
    );
    expect(answers.filter((answer) => answer === 'held')).toHaveLength(1);
    expect(answers.filter((answer) => answer === 'EmbeddedDatabaseLockedError')).toHaveLength(3);
  });
});
