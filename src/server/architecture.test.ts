// The server's layout, read from its sources so a new import is checked too.
//
// Floors: the model-call path is built in floors: the routes (gateway/, chat/, conversations/) over
// the completion pipeline (completions/) over the metering and the upstream room (upstream/:
// everything that talks to a provider) over the provider specs (providers/). A floor imports only
// from the floors below it, and no module's runtime imports go round in a circle (an ES module
// cycle leaves one side reading bindings that are not initialised yet).
//
// Borders (DESIGN §3): a module reaches another only through its exported service functions,
// never its tables: no import of another module's schema file or of the schema barrel, and no SQL
// naming better-auth's tables outside the auth and users modules.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.dirname(fileURLToPath(import.meta.url));

interface Import {
  from: string;
  to: string;
  typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(folder, entry.name);
    if (entry.isDirectory()) return entry.name === 'migrations' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [full] : [];
  });
}

/** Every relative import and re-export of the server's sources, as paths relative to src/server. */
function serverImports(): Import[] {
  return sourceFiles(root).flatMap((file) => {
    const text = readFileSync(file, 'utf8');
    return [...text.matchAll(/^(?:import|export)\s+(type\s)?[^;]*?\sfrom\s+'(\.{1,2}\/[^']+)'/gms)].map((match) => ({
      from: path.relative(root, file),
      to: path.relative(root, path.resolve(path.dirname(file), match[2] ?? '')),
      typeOnly: match[1] !== undefined,
    }));
  });
}

const floorOf = (file: string) => file.split(path.sep)[0] ?? '';
const ROUTES = ['gateway', 'chat', 'conversations'];
/** Each floor, and the floors above it that it must not import from. */
const ABOVE: Record<string, readonly string[]> = {
  providers: [...ROUTES, 'completions', 'upstream'],
  upstream: [...ROUTES, 'completions'],
  completions: ROUTES,
  // Billing sits beside the pipeline and asks metering; metering never asks billing (what billing
  // knows of a budget is handed to admission per call).
  metering: [...ROUTES, 'completions', 'billing'],
};

describe('import floors', () => {
  const imports = serverImports();

  it('reads the imports it checks', () => {
    expect(imports.some((entry) => entry.from === path.join('upstream', 'passthrough.ts'))).toBe(true);
  });

  it('a floor imports nothing from the floors above it', () => {
    const upward = imports
      .filter((entry) => ABOVE[floorOf(entry.from)]?.includes(floorOf(entry.to)))
      .map((entry) => `${entry.from} → ${entry.to}`);
    expect(upward).toEqual([]);
  });

  it('no runtime import goes round in a circle', () => {
    const graph = new Map<string, string[]>();
    for (const entry of imports.filter((candidate) => !candidate.typeOnly)) {
      graph.set(entry.from, [...(graph.get(entry.from) ?? []), entry.to]);
    }
    const done = new Set<string>();
    const cycles: string[] = [];
    const visit = (file: string, trail: string[]) => {
      const seen = trail.indexOf(file);
      if (seen !== -1) {
        cycles.push([...trail.slice(seen), file].join(' → '));
        return;
      }
      if (done.has(file)) return;
      for (const next of graph.get(file) ?? []) visit(next, [...trail, file]);
      done.add(file);
    };
    for (const file of graph.keys()) visit(file, []);
    expect(cycles).toEqual([]);
  });
});

/** Every server source file with its text, comments left out (rules read code, not prose). */
function serverSources() {
  return sourceFiles(root).map((file) => ({
    name: path.relative(root, file),
    code: readFileSync(file, 'utf8').replace(/^\s*(\/\/|\*|\/\*\*).*$/gm, ''),
  }));
}

/** Which schema file holds each module's tables (auth.ts is better-auth's: auth and users read it). */
const TABLES_OF: Record<string, string> = {
  metering: 'metering.ts',
  billing: 'billing.ts',
  vault: 'vault.ts',
  conversations: 'conversations.ts',
  gateway: 'gateway.ts',
  models: 'models.ts',
  auth: 'auth.ts',
  users: 'auth.ts',
  groups: 'groups.ts',
  invitations: 'invitations.ts',
  display: 'display.ts',
  'first-run': 'first-run.ts',
  audit: 'audit.ts',
  alerts: 'alerts.ts',
};

describe('module borders', () => {
  const imports = serverImports();
  const schemaImports = imports.filter(
    (entry) => floorOf(entry.from) !== 'db' && entry.to.startsWith(path.join('db', 'schema') + path.sep),
  );

  it('reads the schema imports it checks', () => {
    expect(schemaImports.some((entry) => entry.from === path.join('metering', 'price-book.ts'))).toBe(true);
  });

  it("each module imports only its own tables' schema file, never the barrel", () => {
    const offenders = schemaImports
      .filter((entry) => path.basename(entry.to) !== TABLES_OF[floorOf(entry.from)])
      .map((entry) => `${entry.from} → ${entry.to}`);
    expect(offenders).toEqual([]);
  });

  it("no SQL outside the auth and users modules names better-auth's tables", () => {
    const owners = new Set(['auth', 'users', 'db']);
    const offenders = serverSources()
      .filter((file) => !owners.has(floorOf(file.name)))
      .filter((file) => /\b(from|join|into|update)\s+"?(user|session|account|verification)"?(\s|$|\))/i.test(file.code))
      .map((file) => file.name);
    expect(offenders).toEqual([]);
  });
});
