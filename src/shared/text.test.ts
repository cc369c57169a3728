// The text building blocks, against generated inputs: whatever surrounds it, one forbidden
// character is refused; ordinary text of any script is accepted; a safe label is always storable.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isMessageText, isSingleLine, messageText, singleLineText, toSafeLabel } from './text.ts';

const codes = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_unused, index) => from + index);
const chars = (list: number[]) => list.map((code) => String.fromCharCode(code));

/** Never in one line of text. */
const LINE_FORBIDDEN = [
  ...chars([...codes(0x00, 0x1f), 0x7f, ...codes(0x80, 0x9f), 0x2028, 0x2029, ...codes(0x202a, 0x202e)]),
  ...chars(codes(0x2066, 0x2069)),
  '\ud800',
  '\udbff',
  '\udc00',
  '\udfff',
];
/** Never in message text (tabs, line breaks, separators and bidi marks are text there). */
const MESSAGE_FORBIDDEN = [
  ...chars([...codes(0x00, 0x08), 0x0b, 0x0c, ...codes(0x0e, 0x1f), 0x7f, ...codes(0x80, 0x9f)]),
  '\ud800',
  '\udfff',
];

/** Text users really write: any well-formed string without the forbidden characters (surrogates pair up). */
const ordinary = (forbidden: string[]) =>
  fc
    .string({ unit: 'grapheme', maxLength: 60 })
    .map((text) =>
      forbidden
        .filter((character) => character.isWellFormed())
        .reduce((kept, character) => kept.replaceAll(character, ''), text.toWellFormed()),
    );

describe('one line of text', () => {
  const name = singleLineText({ trim: true, min: 1, max: 200 });

  it('refuses every forbidden character, wherever it stands', () => {
    fc.assert(
      fc.property(ordinary(LINE_FORBIDDEN), fc.constantFrom(...LINE_FORBIDDEN), fc.nat(), (text, bad, at) => {
        const position = at % (text.length + 1);
        const spoiled = `a${text.slice(0, position)}${bad}${text.slice(position)}b`;
        expect(isSingleLine(spoiled)).toBe(false);
        expect(name.safeParse(spoiled).success).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts ordinary text in any script, emoji sequences included', () => {
    fc.assert(
      fc.property(ordinary(LINE_FORBIDDEN), (text) => {
        expect(isSingleLine(text)).toBe(true);
      }),
      { numRuns: 2000 },
    );
    for (const text of ['Ève Élodie', 'Łukasz Żółć', '山田太郎', 'محمد', '👩‍👩‍👧 family', 'a\u00a0b', 'ß']) {
      expect(name.safeParse(text)).toEqual({ success: true, data: text });
    }
  });

  it('bounds the length, counts it after trimming, and refuses what is left empty', () => {
    expect(name.safeParse('x'.repeat(200)).success).toBe(true);
    expect(name.safeParse('x'.repeat(201)).success).toBe(false);
    expect(name.safeParse('x'.repeat(1_900_000)).success).toBe(false);
    expect(name.safeParse('   ').success).toBe(false);
    expect(name.safeParse('  Eve  ')).toEqual({ success: true, data: 'Eve' });
    expect(singleLineText({ max: 10 }).safeParse('').success).toBe(true);
  });
});

describe('message text', () => {
  const content = messageText({ min: 1, max: 1000 });

  it('refuses NUL and the other controls, wherever they stand', () => {
    fc.assert(
      fc.property(ordinary(MESSAGE_FORBIDDEN), fc.constantFrom(...MESSAGE_FORBIDDEN), fc.nat(), (text, bad, at) => {
        const position = at % (text.length + 1);
        const spoiled = `${text.slice(0, position)}${bad}${text.slice(position)}`;
        expect(isMessageText(spoiled)).toBe(false);
        expect(content.safeParse(spoiled).success).toBe(false);
      }),
      { numRuns: 2000 },
    );
  });

  it('keeps tabs, line breaks and right-to-left text', () => {
    for (const text of [
      'one\ntwo',
      'a\r\nb',
      '\tindented',
      'para\u2028graph',
      'שלום \u202bעולם\u202c',
      '```\ncode\n```',
    ]) {
      expect(content.safeParse(text)).toEqual({ success: true, data: text });
    }
    expect(content.safeParse('').success).toBe(false);
    expect(content.safeParse('x'.repeat(1001)).success).toBe(false);
  });
});

describe('toSafeLabel', () => {
  it('always gives one bounded, well-formed line, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.anything()),
        fc.integer({ min: 1, max: 250 }),
        (value, max) => {
          const label = toSafeLabel(value, max);
          expect(isSingleLine(label)).toBe(true);
          expect(label.length).toBeLessThanOrEqual(Math.max(max, 'unknown'.length));
          expect(label.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it('keeps what was safe and drops only the rest', () => {
    expect(toSafeLabel('openai/gpt-4o-mini\u0000', 200)).toBe('openai/gpt-4o-mini');
    expect(toSafeLabel('a\ud800b\u2028c', 200)).toBe('abc');
    expect(toSafeLabel('😀😀', 3)).toBe('😀');
    expect(toSafeLabel('\u0000\u0001', 200)).toBe('unknown');
    expect(toSafeLabel({ model: 'x' }, 200)).toBe('unknown');
  });
});
