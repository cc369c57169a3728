// The depth scan over raw JSON text must agree with the depth of what JSON.parse builds, whatever
// the strings hold (brackets, quotes, runs of backslashes), and never run past the text.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nestsDeeperThan } from './json-body.ts';

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (value !== null && typeof value === 'object') return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/** Strings made to confuse a scanner: brackets, quotes and backslashes in every arrangement. */
const tricky = fc.string({ unit: fc.constantFrom('[', ']', '{', '}', '"', '\\', 'a', ' ', ':', ','), maxLength: 12 });
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    tricky,
    fc.integer(),
    fc.constant(null),
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(tricky, tie('value'), { maxKeys: 3 }),
  ),
})).value;

describe('nestsDeeperThan', () => {
  it('agrees with the parsed depth at every limit', () => {
    fc.assert(
      fc.property(json, fc.integer({ min: 0, max: 12 }), (value, limit) => {
        const text = JSON.stringify(value);
        expect(nestsDeeperThan(text, limit)).toBe(depthOf(JSON.parse(text)) > limit);
      }),
      { numRuns: 5000 },
    );
  });

  it('refuses 100,000 levels of arrays or objects, and not brackets inside strings', () => {
    expect(nestsDeeperThan(`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 100)).toBe(true);
    expect(nestsDeeperThan(`${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}`, 100)).toBe(true);
    expect(nestsDeeperThan(JSON.stringify({ text: '['.repeat(100_000) }), 100)).toBe(false);
    expect(nestsDeeperThan(JSON.stringify({ text: `\\"${'['.repeat(1000)}` }), 100)).toBe(false);
    expect(nestsDeeperThan(`${'['.repeat(100)}${']'.repeat(100)}`, 100)).toBe(false);
    expect(nestsDeeperThan(`${'['.repeat(101)}${']'.repeat(101)}`, 100)).toBe(true);
  });

  it('ends on malformed text (an unterminated string, stray closers) without throwing', () => {
    expect(nestsDeeperThan(`["${'a'.repeat(500)}`, 100)).toBe(false);
    expect(nestsDeeperThan(`${']'.repeat(500)}${'['.repeat(50)}`, 100)).toBe(false);
    expect(nestsDeeperThan(`"\\${'\\'.repeat(300)}`, 100)).toBe(false);
  });
});
