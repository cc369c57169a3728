// Builds the web app (vite build → dist/web) when the build is missing or older than its sources.
// `npm start` runs this before serving, so a fresh clone serves the app without a separate step.
//   node scripts/build-web.ts           build only when stale
//   node scripts/build-web.ts --force   build anyway
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const builtIndex = path.join(root, 'dist/web/index.html');
/** Everything the bundle is made from. */
const sources = ['src/web', 'src/shared', 'vite.config.ts', 'package-lock.json'];

async function newestModification(target: string): Promise<number> {
  const info = await stat(target).catch(() => null);
  if (!info) return 0;
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(target, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    newest = Math.max(newest, await newestModification(path.join(target, entry.name)));
  }
  return newest;
}

export async function webBuildIsStale(): Promise<boolean> {
  const built = await stat(builtIndex).catch(() => null);
  if (!built) return true;
  const newestSource = Math.max(
    ...(await Promise.all(sources.map((source) => newestModification(path.join(root, source))))),
  );
  return newestSource > built.mtimeMs;
}

export async function buildWeb(options: { force?: boolean } = {}) {
  if (!options.force && !(await webBuildIsStale())) return false;
  const { build } = await import('vite');
  await build({ configFile: path.join(root, 'vite.config.ts'), root: path.join(root, 'src/web'), logLevel: 'warn' });
  return true;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const force = process.argv.includes('--force');
  const started = Date.now();
  const built = await buildWeb({ force });
  console.log(
    built ? `Web app built into dist/web in ${Date.now() - started} ms.` : 'Web app is up to date (dist/web).',
  );
}
