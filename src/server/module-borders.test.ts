// DESIGN §3: a module reaches another only through its exported service functions, never its
// tables. These rules read every server source file's imports and SQL, so a shortcut added later
// fails here instead of hiding behind the schema barrel or a raw SQL string.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const serverRoot = path.dirname(new URL(import.meta.url).pathname);

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

const files = sourceFiles(serverRoot).map((file) => ({
  /** The file's path under src/server, e.g. metering/quota.ts. */
  name: path.relative(serverRoot, file),
  text: readFileSync(file, 'utf8'),
}));

/** Every import of a file, resolved to a path under src/server (others left out). */
function importsOf(file: { name: string; text: string }): string[] {
  const specifiers = [...file.text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/gms)].map((m) => m[1] ?? '');
  return specifiers
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.normalize(path.join(path.dirname(file.name), specifier)));
}

const moduleOf = (name: string): string => (name.includes(path.sep) ? (name.split(path.sep)[0] ?? '') : '');

describe('module borders', () => {
  it('reads the tree it checks', () => {
    expect(files.some((file) => file.name === path.join('metering', 'quota.ts'))).toBe(true);
    expect(importsOf({ name: 'metering/x.ts', text: "import { a } from '../db/schema/auth.ts';" })).toEqual([
      'db/schema/auth.ts',
    ]);
  });

  it('only the database module imports the schema barrel: every other module names its own tables', () => {
    const offenders = files.filter(
      (file) => moduleOf(file.name) !== 'db' && importsOf(file).includes(path.join('db', 'schema', 'index.ts')),
    );
    expect(offenders.map((file) => file.name)).toEqual([]);
  });

  it("only the auth and users modules read better-auth's tables, by import or by SQL", () => {
    const owners = new Set(['auth', 'users', 'db']);
    const offenders = files.filter(
      (file) =>
        !owners.has(moduleOf(file.name)) &&
        (importsOf(file).includes(path.join('db', 'schema', 'auth.ts')) ||
          /\b(from|join)\s+"?(user|session|account)"?\b/i.test(file.text.replace(/^\s*\/\/.*$/gm, ''))),
    );
    expect(offenders.map((file) => file.name)).toEqual([]);
  });

  it('each module imports only the schema files of its own tables', () => {
    const tablesOf: Record<string, string> = {
      metering: 'metering.ts',
      vault: 'vault.ts',
      conversations: 'conversations.ts',
      gateway: 'gateway.ts',
      auth: 'auth.ts',
      users: 'auth.ts',
    };
    const offenders = files.flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith(path.join('db', 'schema') + path.sep))
        .filter((target) => moduleOf(file.name) !== 'db' && path.basename(target) !== tablesOf[moduleOf(file.name)])
        .map((target) => `${file.name} → ${target}`),
    );
    expect(offenders).toEqual([]);
  });

  it('the metering module depends on no surface: chat, conversations, the gateway and the pipeline call it', () => {
    const above = new Set(['chat', 'conversations', 'gateway', 'completions']);
    const offenders = files
      .filter((file) => moduleOf(file.name) === 'metering')
      .flatMap((file) =>
        importsOf(file)
          .filter((target) => above.has(moduleOf(target)))
          .map((t) => `${file.name} → ${t}`),
      );
    expect(offenders).toEqual([]);
  });
});
