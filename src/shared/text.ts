// Text that WeBox stores, puts in a URL or writes to a log line is checked once, where it comes in
// (route schemas, better-auth's user hooks), by these building blocks. PostgreSQL cannot store a NUL
// in text at all (a row holding one fails its whole statement), and the other control characters
// forge log lines, break CSV exports and hide text from the admin who reads it.
import { z } from 'zod';

/**
 * What one-line text (a name, a title, a model id, an id) may not hold: C0 controls, DEL, C1
 * controls, the Unicode line and paragraph separators, and the bidirectional overrides and
 * isolates (they reorder what an admin reads: "Eve\u202Enimda" shows as "Eveadmin").
 */
const NOT_IN_A_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
/** What message text may not hold: tabs and line breaks are text, NUL and the other controls are not. */
const NOT_IN_A_MESSAGE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
const EVERY_NOT_IN_A_LINE = new RegExp(NOT_IN_A_LINE.source, 'g');

/** One line of text: no control characters, line breaks, bidi overrides or unpaired surrogates. */
export const isSingleLine = (value: string) => !NOT_IN_A_LINE.test(value) && value.isWellFormed();

/** Message text: anything printable, tabs and line breaks; no NUL, other controls or unpaired surrogates. */
export const isMessageText = (value: string) => !NOT_IN_A_MESSAGE.test(value) && value.isWellFormed();

export const SINGLE_LINE_MESSAGE = 'must be one line of text, without control characters';
export const MESSAGE_TEXT_MESSAGE = 'must not contain NUL or other control characters (tabs and line breaks are fine)';

const atLeast = (min: number) => (min === 1 ? 'must not be empty' : `must be at least ${min} characters`);

/**
 * A one-line string of at most `max` characters (at least `min`, 0 by default), trimmed first when
 * `trim` is set (min then counts what is left). For names, titles, model ids, providers and ids.
 */
export function singleLineText(options: { max: number; min?: number; trim?: boolean }) {
  const base = options.trim ? z.string().trim() : z.string();
  const bounded = base.max(options.max, `must be at most ${options.max} characters`);
  return (options.min ? bounded.min(options.min, atLeast(options.min)) : bounded).refine(
    isSingleLine,
    SINGLE_LINE_MESSAGE,
  );
}

/** Message text (a chat message): tabs and line breaks allowed, at least `min` and at most `max` characters. */
export function messageText(options: { max: number; min?: number }) {
  const bounded = z.string().max(options.max, `must be at most ${options.max} characters`);
  return (options.min ? bounded.min(options.min, atLeast(options.min)) : bounded).refine(
    isMessageText,
    MESSAGE_TEXT_MESSAGE,
  );
}

/**
 * A label that is safe to store and show whatever came in: a string with its forbidden characters
 * removed, unpaired surrogates replaced and its length bounded; anything else becomes `fallback`.
 * For values recorded from requests that were refused (the usage row of a malformed model id).
 */
export function toSafeLabel(value: unknown, max: number, fallback = 'unknown'): string {
  if (typeof value !== 'string') return fallback;
  let label = value.replace(EVERY_NOT_IN_A_LINE, '');
  if (!label.isWellFormed()) label = label.toWellFormed().replaceAll('\ufffd', '');
  label = label.slice(0, max);
  // A cut through a surrogate pair leaves half of it.
  if (!label.isWellFormed()) label = label.slice(0, -1);
  return label.length > 0 ? label : fallback;
}
