// What building the app loads (issue 13, resident memory): the AI SDK, its provider packages,
// Stripe's SDK and PGlite are imported on first use, not at start-up, and better-auth's plugins
// index (every plugin) not at all. Read from a fresh process that imports app.ts and records every
// package it resolves: a static import added back anywhere fails this.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const probe = `
import { registerHooks } from 'node:module';
const seen = new Set();
registerHooks({
  resolve(specifier, context, next) {
    if (!specifier.startsWith('.') && !specifier.startsWith('node:') && !specifier.startsWith('file:')) seen.add(specifier);
    return next(specifier, context);
  },
});
await import(${JSON.stringify(path.join(root, 'src/server/app.ts'))});
process.stdout.write(JSON.stringify([...seen]));
`;

describe('start-up imports', () => {
  it('leaves the AI SDK, Stripe, PGlite, nodemailer, csv-parse and the better-auth plugins index for first use', () => {
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', probe], {
      cwd: root,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '' },
    });
    const loaded: string[] = JSON.parse(output.trim().split('\n').at(-1) ?? '[]');
    // The probe works: what start-up does need is seen.
    expect(loaded).toContain('fastify');
    expect(loaded).toContain('better-auth');
    const lazy = loaded.filter(
      (name) =>
        name === 'ai' ||
        name.startsWith('@ai-sdk/') ||
        name === 'stripe' ||
        name === 'nodemailer' ||
        name.startsWith('csv-parse') ||
        name.startsWith('@electric-sql/pglite') ||
        name === 'better-auth/plugins',
    );
    expect(lazy).toEqual([]);
  });
});
