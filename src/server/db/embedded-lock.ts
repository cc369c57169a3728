// The embedded PGlite database belongs to one process. A second process opening the same folder
// would corrupt it, so the server holds a lock on the data folder and CLI commands refuse to open
// the database while a live process holds it.
//
// The lock is a listening Unix-domain socket, never a pid: a pid outlives its process (after
// `kill -9` as PID 1 in a container the next start is PID 1 again, and a stale pid may have been
// reused by anything), while a socket dies with the process that holds it.
//
// - On Linux, a socket in the abstract namespace, `\0webox-lock-<sha256 of the folder's real path>`:
//   binding it is exclusive, and the kernel drops it with its process; there is no file to go stale.
// - On Windows, a named pipe of the same name, which behaves alike.
// - Everywhere but Windows, also `<data dir>/webox.sock` (in the temporary folder when that path
//   is too long for a socket address). The abstract namespace belongs to one network namespace:
//   two containers sharing the volume, a rolling update starting the new one before the old one
//   stops, would each bind their own. A socket file on the shared volume is seen by both (as
//   docker.sock is), and on macOS and the BSDs it is the only lock. A process killed with
//   `kill -9` leaves the file behind: it is taken over when connecting to it is refused, under a
//   takeover file that only one starter creates, so two starters never remove each other's socket.
//
// Limits: two machines sharing the folder over the network (NFS, SMB) see neither lock; a folder
// reached through two different real paths on one machine (two bind mounts) gives two abstract
// names, and relies on the socket file alone; a process that died in the instant between creating
// the takeover file and binding leaves that file for STALE_TAKEOVER_MS, during which starts retry.
//
// The holder's pid is still written to <data dir>/webox.lock, for the operator's message only.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, realpath, rm, stat, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export class EmbeddedDatabaseLockedError extends Error {
  override name = 'EmbeddedDatabaseLockedError';
}

const PID_FILE = 'webox.lock';
const SOCKET_FILE = 'webox.sock';
const TAKEOVER_FILE = 'webox.sock.takeover';
/** A socket address holds 108 bytes on Linux, 104 on macOS. */
const MAX_SOCKET_PATH_BYTES = 100;
/** A takeover file this old was left by a process that died in the middle of its takeover. */
const STALE_TAKEOVER_MS = 10_000;
const TAKEOVER_RETRY_MS = 50;
const TAKEOVER_ATTEMPTS = Math.ceil((2 * STALE_TAKEOVER_MS) / TAKEOVER_RETRY_MS);

/** Binds a socket, or answers null when the address is taken (by anyone, this process included). */
function bind(address: string): Promise<net.Server | null> {
  return new Promise((resolve, reject) => {
    // Whoever connects only wants to know that we are alive.
    const server = net.createServer((socket) => socket.destroy());
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') resolve(null);
      else reject(error);
    });
    server.listen(address, () => {
      // The lock never keeps a process alive by itself (a CLI command exits when its work is done).
      server.unref();
      resolve(server);
    });
  });
}

/** Whether a live process listens on this socket file. */
function isListening(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(socketPath);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    // Only a refusal (or no file) proves nobody listens; anything else (a full backlog, a socket
    // we may not open) counts as a live holder.
    socket.once('error', (error: NodeJS.ErrnoException) =>
      resolve(error.code !== 'ECONNREFUSED' && error.code !== 'ENOENT'),
    );
  });
}

const closeServer = (server: net.Server) => new Promise<void>((resolve) => server.close(() => resolve()));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function socketFilePath(folder: string, digest: string) {
  const inFolder = path.join(folder, SOCKET_FILE);
  if (Buffer.byteLength(inFolder) <= MAX_SOCKET_PATH_BYTES) return inFolder;
  return path.join(tmpdir(), `webox-${digest.slice(0, 32)}.sock`);
}

/** The takeover file, created by one starter at a time; null while another one holds it. */
async function claimTakeover(folder: string): Promise<(() => Promise<void>) | null> {
  const takeoverPath = path.join(folder, TAKEOVER_FILE);
  try {
    const handle = await open(takeoverPath, 'wx', 0o600);
    await handle.close();
    return () => rm(takeoverPath, { force: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const age = await stat(takeoverPath).then(
      (info) => Date.now() - info.mtimeMs,
      () => 0,
    );
    if (age > STALE_TAKEOVER_MS) await rm(takeoverPath, { force: true });
    return null;
  }
}

const digestOf = (folder: string) => createHash('sha256').update(folder).digest('hex');

/**
 * Binds <data dir>/webox.sock (the folder's real path), taking over a file left by a dead process;
 * null when a live process holds it. Exported for the tests of the takeover race.
 */
export async function bindSocketFile(folder: string): Promise<net.Server | null> {
  const socketPath = socketFilePath(folder, digestOf(folder));
  for (let attempt = 0; attempt < TAKEOVER_ATTEMPTS; attempt++) {
    const server = await bind(socketPath);
    if (server) return server;
    if (await isListening(socketPath)) return null;
    // Nobody listens: the file was left by a process that died. While it exists nobody can bind
    // the path, and only the holder of the takeover file removes it, after checking again that
    // it is still dead: a socket that a live process bound is never removed.
    const releaseTakeover = await claimTakeover(folder);
    if (!releaseTakeover) {
      await sleep(TAKEOVER_RETRY_MS);
      continue;
    }
    try {
      if (await isListening(socketPath)) return null;
      await rm(socketPath, { force: true });
      const taken = await bind(socketPath);
      if (taken) return taken;
    } finally {
      await releaseTakeover();
    }
  }
  throw new EmbeddedDatabaseLockedError(`Could not take the lock on ${socketPath}.`);
}

async function lockedError(dataDir: string, purpose: string) {
  const holder = Number.parseInt((await readFile(path.join(dataDir, PID_FILE), 'utf8').catch(() => '')).trim(), 10);
  const who = Number.isInteger(holder) && holder > 0 ? `WeBox process ${holder}` : 'another WeBox process';
  return new EmbeddedDatabaseLockedError(
    `The embedded database in ${dataDir} is in use by ${who}. ` +
      `Stop that server before running "${purpose}" (or use the admin API while it runs).`,
  );
}

/** Takes the lock or throws EmbeddedDatabaseLockedError; returns the release function. */
export async function acquireEmbeddedLock(dataDir: string, purpose: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const folder = await realpath(dataDir);
  const digest = digestOf(folder);
  const held: net.Server[] = [];
  try {
    // Our own process counts as a holder too: opening the same PGlite folder twice in one
    // process would hang or corrupt it just the same.
    if (process.platform === 'linux' || process.platform === 'win32') {
      const name = process.platform === 'linux' ? `\0webox-lock-${digest}` : `\\\\.\\pipe\\webox-lock-${digest}`;
      const server = await bind(name);
      if (!server) throw await lockedError(dataDir, purpose);
      held.push(server);
    }
    if (process.platform !== 'win32') {
      const server = await bindSocketFile(folder);
      if (!server) throw await lockedError(dataDir, purpose);
      held.push(server);
    }
    await writeFile(path.join(folder, PID_FILE), `${process.pid}\n`, { mode: 0o600 });
  } catch (error) {
    await Promise.all(held.map(closeServer));
    throw error;
  }
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    // The pid first: once the sockets close, the next holder writes its own.
    await rm(path.join(folder, PID_FILE), { force: true });
    // Closing a socket bound to a file removes the file.
    await Promise.all(held.map(closeServer));
  };
}
