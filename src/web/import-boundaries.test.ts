// The API client and the i18n set-up sit below the UI: everything else imports them, so they must
// not import a component or a page back, not even through a helper (that is how a cycle starts).
// The walk follows every relative import, type imports too, from each source file of api/ and i18n/.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const WEB = path.dirname(fileURLToPath(import.meta.url));
const ROOTS = ['api', 'i18n'];
const FORBIDDEN = ['components', 'pages'];

// `import … from 'x'`, `export … from 'x'`, `import 'x'` and `import('x')`.
const SPECIFIER =
  /(?:^|\s)(?:import|export)\s[^'"`;]*?from\s+['"]([^'"]+)['"]|(?:^|\s)import\s*\(?\s*['"]([^'"]+)['"]/g;

/** The relative modules a file imports, as absolute paths. */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(SPECIFIER)]
    .map((match) => match[1] ?? match[2] ?? '')
    .filter((specifier) => specifier.startsWith('.'))
    .map((specifier) => path.resolve(path.dirname(file), specifier));
}

const isTest = (file: string) => /\.test\.tsx?$/.test(file);
const sourcesIn = (folder: string) =>
  readdirSync(path.join(WEB, folder), { recursive: true, encoding: 'utf8' })
    .filter((name) => /\.tsx?$/.test(name) && !isTest(name))
    .map((name) => path.join(WEB, folder, name));

/** What a module reaches, each with the chain of imports that leads there from `start`. */
function reach(start: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[start, [start]]]);
  const queue = [start];
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (!/\.tsx?$/.test(file)) continue; // JSON and other assets import nothing.
    for (const next of importsOf(file)) {
      if (chains.has(next)) continue;
      chains.set(next, [...(chains.get(file) ?? []), next]);
      queue.push(next);
    }
  }
  return chains;
}

const relative = (file: string) => path.relative(WEB, file).split(path.sep).join('/');
const isUi = (file: string) => FORBIDDEN.includes(relative(file).split('/')[0] ?? '') || file.endsWith('.tsx');

describe('import boundaries of src/web', () => {
  const roots = ROOTS.flatMap(sourcesIn);

  it('finds the modules it guards and follows their imports', () => {
    expect(roots.map(relative)).toEqual(expect.arrayContaining(['api/client.ts', 'i18n/index.ts']));
    // The walk does see through a helper: i18n reaches the money formatter, api the budget texts.
    expect([...reach(path.join(WEB, 'i18n/index.ts')).keys()].map(relative)).toContain('format.ts');
    expect([...reach(path.join(WEB, 'api/error-messages.ts')).keys()].map(relative)).toContain('limits/budget-text.ts');
  });

  it('keeps api/ and i18n/ free of components and pages, directly or through a helper', () => {
    const crossings = roots.flatMap((root) =>
      [...reach(root).entries()].filter(([file]) => isUi(file)).map(([, chain]) => chain.map(relative).join(' → ')),
    );
    expect(crossings).toEqual([]);
  });
});
