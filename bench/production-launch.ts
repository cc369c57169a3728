// How `npm start` launches WeBox, for the benchmark and the memory script to launch it the same
// way: bin/webox.js (which turns on the compile cache), package.json's config.nodeFlags (V8 flags)
// and config.mallocArenaMax (glibc's MALLOC_ARENA_MAX). BENCH_NODE_FLAGS overrides the flags.
import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

interface LaunchConfig {
  nodeFlags?: string;
  mallocArenaMax?: string;
}

const launchConfig = (JSON.parse(await readFile(path.join(root, 'package.json'), 'utf8')) as { config?: LaunchConfig })
  .config;

/** The Node flags, entry and arguments that start a server, as `npm start` does. */
export function serveArgs(nodeFlags = process.env.BENCH_NODE_FLAGS ?? launchConfig?.nodeFlags ?? ''): string[] {
  return [...nodeFlags.split(' ').filter(Boolean), 'bin/webox.js', 'serve'];
}

/** The environment `npm start` adds (unless the caller's environment already sets it). */
export function serveEnv(): Record<string, string> {
  const arenas = process.env.MALLOC_ARENA_MAX ?? launchConfig?.mallocArenaMax;
  return arenas ? { MALLOC_ARENA_MAX: arenas } : {};
}

/**
 * Fills the compile cache, as any earlier start would have: `webox help` loads every module a
 * start loads. Without it the first server measured would carry the TypeScript stripper's memory
 * and the others not.
 */
export function warmCompileCache() {
  execFileSync(process.execPath, ['bin/webox.js', 'help'], { cwd: root, stdio: 'ignore' });
}
