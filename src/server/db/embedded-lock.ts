// The embedded PGlite database belongs to one process. A second process opening the same folder
// would corrupt it, so the server holds <data dir>/webox.lock (its pid) and CLI commands refuse to
// open the database while a live process holds it.
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import path from 'node:path';

export class EmbeddedDatabaseLockedError extends Error {
  override name = 'EmbeddedDatabaseLockedError';
}

function isAlive(pid: number) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Takes the lock or throws EmbeddedDatabaseLockedError; returns the release function. */
export async function acquireEmbeddedLock(dataDir: string, purpose: string): Promise<() => Promise<void>> {
  await mkdir(dataDir, { recursive: true });
  const lockPath = path.join(dataDir, 'webox.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(lockPath, 'wx', 0o600);
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(lockPath, { force: true });
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number.parseInt((await readFile(lockPath, 'utf8').catch(() => '')).trim(), 10);
      // Our own pid counts as a live holder: opening the same PGlite folder twice in one process
      // would hang or corrupt it just the same.
      if (Number.isInteger(holder) && holder > 0 && isAlive(holder)) {
        throw new EmbeddedDatabaseLockedError(
          `The embedded database in ${dataDir} is in use by WeBox process ${holder}. ` +
            `Stop that server before running "${purpose}" (or use the admin API while it runs).`,
        );
      }
      // A stale lock left by a process that died: take it over.
      await rm(lockPath, { force: true });
    }
  }
  throw new EmbeddedDatabaseLockedError(`Could not take the lock on ${lockPath}.`);
}
