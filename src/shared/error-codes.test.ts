// The closed list of error codes against what names codes elsewhere: the design's contract, the
// server's sources, and docs/errors.md. A code added in one place and not the others fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUTH_ERROR_CODES, ERROR_CODES, isAuthErrorCode, isErrorCode } from './error-codes.ts';

const root = join(import.meta.dirname, '../..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');

/** Every non-test TypeScript file of the server, by path from the repository's root. */
function serverSources(): Array<{ path: string; text: string }> {
  const entries = readdirSync(join(root, 'src/server'), { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts'))
    .map((entry) => relative(root, join(entry.parentPath, entry.name)))
    .sort()
    .map((path) => ({ path, text: read(path) }));
}

/** The error catalogues: the common one, the HTTP layer's, and each module's `<module>-errors.ts`. */
const isCatalogue = (path: string) =>
  path === 'src/server/errors.ts' || path === 'src/server/http-errors.ts' || path.endsWith('-errors.ts');

/** `new AppError(status, 'code'`: the code, and the status when it is written as a number. */
function thrownCodes(text: string): Array<{ code: string; status: number | null }> {
  return [...text.matchAll(/new AppError\(\s*([^,]+?),\s*'([^']+)'/g)].map((match) => ({
    code: match[2] as string,
    status: /^\d{3}$/.test(match[1] as string) ? Number(match[1]) : null,
  }));
}

/** The rows of the markdown table under `heading`: its code (unquoted) and its status column. */
function docsTable(markdown: string, heading: string): Array<{ code: string; status: string; row: string }> {
  const start = markdown.indexOf(`\n${heading}\n`);
  expect(start, `docs/errors.md has a "${heading}" section`).toBeGreaterThan(-1);
  const section = markdown.slice(start + heading.length + 2).split(/\n## /)[0] ?? '';
  return section
    .split('\n')
    .filter((line) => line.startsWith('| `'))
    .map((row) => {
      const [code = '', status = ''] = row
        .split('|')
        .slice(1, 3)
        .map((cell) => cell.trim());
      return { code: code.replaceAll('`', ''), status, row };
    });
}

describe('ERROR_CODES', () => {
  it('holds each code once, in snake_case, and better-auth codes in UPPER_SNAKE', () => {
    expect(new Set(ERROR_CODES).size).toBe(ERROR_CODES.length);
    for (const code of ERROR_CODES) expect(code).toMatch(/^[a-z]+(_[a-z]+)*$/);
    expect(new Set(AUTH_ERROR_CODES).size).toBe(AUTH_ERROR_CODES.length);
    for (const code of AUTH_ERROR_CODES) expect(code).toMatch(/^[A-Z]+(_[A-Z]+)*$/);
    expect(isErrorCode('not_found')).toBe(true);
    expect(isErrorCode('NOT_FOUND')).toBe(false);
    expect(isAuthErrorCode('NOT_FOUND')).toBe(true);
  });

  it('has every code of the design’s error contract (DESIGN §6, §10)', () => {
    // A status followed by a code, or a code continuing a "429 `a` / `b`" list.
    const design = read('docs/DESIGN.md');
    const codes = new Set([...design.matchAll(/(?:\b[1-5]\d\d\s+|\/\s*)`([a-z][a-z_]*)`/g)].map((match) => match[1]));
    expect(codes.size).toBeGreaterThan(20);
    for (const code of codes) expect(ERROR_CODES, `DESIGN.md's ${code}`).toContain(code);
  });

  it('has every code the server throws, and only catalogues throw', () => {
    const sources = serverSources();
    const outside = sources.filter(({ path, text }) => !isCatalogue(path) && thrownCodes(text).length > 0);
    expect(outside.map(({ path }) => path)).toEqual([]);
    const thrown = sources.flatMap(({ path, text }) => thrownCodes(text).map(({ code }) => ({ path, code })));
    expect(thrown.length).toBeGreaterThan(40);
    for (const { path, code } of thrown) expect(ERROR_CODES, `${code} in ${path}`).toContain(code);
    // Codes written outside AppError: answers built by hand (better-auth's shape on /api/auth/*).
    for (const { path, text } of sources) {
      for (const [, code] of text.matchAll(/\bcode: '([^']+)'/g)) {
        expect([...ERROR_CODES, ...AUTH_ERROR_CODES], `${code} in ${path}`).toContain(code);
      }
    }
    const auth = read('src/server/auth/auth-errors.ts');
    const authCodes = [...auth.matchAll(/(?:badRequest\(|code: )'([A-Z_]+)'/g)].map((match) => match[1]);
    expect(authCodes.length).toBeGreaterThanOrEqual(8);
    for (const code of authCodes) expect(AUTH_ERROR_CODES).toContain(code);
  });
});

describe('docs/errors.md', () => {
  const docs = read('docs/errors.md');
  const weboxRows = docsTable(docs, '## WeBox codes');
  const authRows = docsTable(docs, "## Codes of `/api/auth/*` (better-auth's shape)");

  it('lists every code, in the order of the lists, and no other', () => {
    expect(weboxRows.map((row) => row.code)).toEqual([...ERROR_CODES]);
    expect(authRows.map((row) => row.code)).toEqual([...AUTH_ERROR_CODES]);
    for (const { code, status } of [...weboxRows, ...authRows]) expect(status, code).toMatch(/^\d{3}$/);
  });

  it('gives each code the status the server’s catalogues throw it with', () => {
    const statusOf = new Map(weboxRows.map((row) => [row.code, Number(row.status)]));
    const thrown = serverSources().flatMap(({ path, text }) =>
      thrownCodes(text).flatMap(({ code, status }) => (status === null ? [] : [{ path, code, status }])),
    );
    for (const { path, code, status } of thrown) expect(statusOf.get(code), `${code} in ${path}`).toBe(status);
  });

  it('says which codes the server does not emit yet', () => {
    const thrown = new Set(serverSources().flatMap(({ text }) => thrownCodes(text).map(({ code }) => code)));
    for (const { code, row } of weboxRows) {
      if (!thrown.has(code)) expect(row, `${code} is never thrown`).toContain('Not emitted until');
    }
  });
});
