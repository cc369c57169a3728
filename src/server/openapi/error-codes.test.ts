// The document's list of error codes against the sources: every code an AppError is thrown with
// (or an error body is written with) is listed, and every listed code is still used somewhere.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES, UNANSWERED_CODES } from './error-codes.ts';

const SERVER = fileURLToPath(new URL('..', import.meta.url));

/** The server's sources, but for tests and the list itself. */
async function serverSources() {
  const files = (await readdir(SERVER, { recursive: true }))
    .filter((file) => file.endsWith('.ts') && !file.endsWith('.test.ts') && !file.endsWith('error-codes.ts'))
    .map((file) => path.join(SERVER, file));
  return Promise.all(files.map((file) => readFile(file, 'utf8')));
}

/** The codes a source throws: `new AppError(status, 'code'…` (a ternary names two) and `code: 'code'`. */
function thrownCodes(source: string) {
  const codes = new Set<string>();
  for (const [, code] of source.matchAll(/new AppError\(\s*[^,]+,\s*([^,]+),/g)) {
    for (const [, quoted] of (code ?? '').matchAll(/'([a-z_]+)'/g)) codes.add(quoted ?? '');
  }
  for (const [, quoted] of source.matchAll(/\bcode: '([a-z_]+)'/g)) codes.add(quoted ?? '');
  return codes;
}

describe('the error code list', () => {
  it('holds every code the server answers with', async () => {
    const listed = new Set([...ERROR_CODES.map(({ code }) => code), ...UNANSWERED_CODES]);
    const thrown = new Set((await serverSources()).flatMap((source) => [...thrownCodes(source)]));
    // Sanity: the sources were read.
    expect(thrown.size).toBeGreaterThan(15);
    expect([...thrown].filter((code) => !listed.has(code))).toEqual([]);
  });

  it('lists no code the server no longer uses', async () => {
    const sources = (await serverSources()).join('\n');
    const stale = ERROR_CODES.filter(({ code }) => !sources.includes(`'${code}'`));
    expect(stale).toEqual([]);
  });

  it('lists each code once', () => {
    const codes = ERROR_CODES.map(({ code }) => code);
    expect(new Set(codes).size).toBe(codes.length);
  });
});
