// Every text that comes from a provider (an error message, a stream's error event, an SDK error's
// message and stack) may quote the key the call was made with: OpenAI's "Incorrect API key
// provided: sk-…" does, and a provider may echo a request in any encoding. Such text is scrubbed
// here before it is returned or logged (issue 10, item 4):
//
// - of the call's own key, in every form it could take: as it is, percent-encoded, JSON- or
//   JS-escaped (\u0073, \x73), hex, base64 and base64url (at each of the three byte alignments), and
//   any run of at least FRAGMENT_LENGTH of its characters in any of those forms;
// - of anything shaped like a credential, the call's or not: each provider's key shape (from its
//   spec's keyFormat), WeBox access tokens, Bearer tokens, Stripe secrets, and values of fields
//   named like keys.
//
// The logger, which knows no key, applies the shape half to every error it writes.
import { providers } from '../providers/registry.ts';

export const REDACTED = '[redacted]';

/** Runs of this many consecutive characters of a key are never let through. */
export const FRAGMENT_LENGTH = 8;

/** Credentials of any kind, whoever they belong to. Each provider's key shape comes from its spec. */
const CREDENTIAL_SHAPES: readonly RegExp[] = [
  ...providers.map((provider) => provider.keyFormat.shape),
  /wbx_[A-Za-z0-9_-]{8,}/g,
  /\b(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{8,}/g,
  /\bwhsec_[A-Za-z0-9+/=]{8,}/g,
];

/** `Bearer <token>` and `x-api-key: <value>`-like pairs keep their name; the value goes. */
const NAMED_CREDENTIALS: readonly RegExp[] = [
  /(\bBearer\s+)[A-Za-z0-9._~+/=*-]+/gi,
  /(\b(?:x-api-key|x-goog-api-key|api[_-]?key|access[_-]?token|authorization)\b["']?\s*[:=]\s*["']?)(?!Bearer\b)[^\s"'&,;]{8,}/gi,
];

/** Removes anything shaped like a credential (what the logger can do without knowing the key). */
export function scrubCredentialShapes(text: string): string {
  let scrubbed = text;
  for (const shape of CREDENTIAL_SHAPES) scrubbed = scrubbed.replace(shape, REDACTED);
  for (const named of NAMED_CREDENTIALS) scrubbed = scrubbed.replace(named, `$1${REDACTED}`);
  return scrubbed;
}

/** Removes every trace of `secrets` (in every encoding) and anything shaped like a credential. */
export function scrubSecrets(text: string, secrets: readonly (string | undefined)[] = []): string {
  const known = secrets.filter((secret): secret is string => typeof secret === 'string' && secret.length > 0);
  return scrubCredentialShapes(known.length === 0 ? text : redactSpans(text, known));
}

/**
 * A copy of an error that is safe to log or throw on: message, stack and cause chain scrubbed,
 * and none of the SDK's own fields (an APICallError carries the request's URL, body and headers,
 * and the provider's whole answer).
 */
export function scrubError(error: unknown, secrets: readonly (string | undefined)[] = [], depth = 0): unknown {
  if (!(error instanceof Error)) {
    return scrubSecrets(typeof error === 'string' ? error : textOf(error), secrets);
  }
  const copy = new Error(scrubSecrets(error.message, secrets));
  copy.name = error.name;
  copy.stack = error.stack === undefined ? undefined : scrubSecrets(error.stack, secrets);
  const { code, statusCode } = error as { code?: unknown; statusCode?: unknown };
  if (typeof code === 'string') Object.assign(copy, { code: scrubSecrets(code, secrets) });
  if (typeof statusCode === 'number') Object.assign(copy, { statusCode });
  if (error.cause !== undefined && depth < 3) copy.cause = scrubError(error.cause, secrets, depth + 1);
  return copy;
}

function textOf(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding a key's traces. A "view" of the text is a decoded reading of it (percent-decoded,
// unescaped) that remembers where each of its characters came from, so that what is found in the
// view is cut from the original text.

interface View {
  text: string;
  /** Original [start, end) of view character i; absent for the identity view. */
  spans?: Array<[number, number]>;
}

type Decode = (text: string, at: number) => [string, number] | null;

/** The view decoded once more; its spans still point into the original text. */
function decodedView(parent: View, decode: Decode): View {
  const { text } = parent;
  const original = (index: number): [number, number] => parent.spans?.[index] ?? [index, index + 1];
  let decoded = '';
  const spans: Array<[number, number]> = [];
  for (let index = 0; index < text.length; ) {
    const [character, length] = decode(text, index) ?? [text[index] ?? '', 1];
    decoded += character;
    spans.push([original(index)[0], original(index + length - 1)[1]]);
    index += length;
  }
  return { text: decoded, spans };
}

/**
 * The text as it is, and as read through up to three layers of escaping in any order (a JSON
 * string inside a JSON string doubles its backslashes; a URL inside JSON mixes both).
 */
function viewsOf(text: string): View[] {
  const views: View[] = [{ text }];
  const seen = new Set([text]);
  let layer: View[] = views.slice();
  for (let depth = 0; depth < 3 && layer.length > 0; depth++) {
    const next: View[] = [];
    for (const view of layer) {
      const decodes: Decode[] = [];
      if (view.text.includes('%')) decodes.push(percentEscape);
      if (view.text.includes('\\')) decodes.push(backslashEscape);
      for (const decode of decodes) {
        const decoded = decodedView(view, decode);
        if (seen.has(decoded.text)) continue;
        seen.add(decoded.text);
        next.push(decoded);
      }
    }
    views.push(...next);
    layer = next;
  }
  return views;
}

const HEX = /^[0-9A-Fa-f]+$/;
const hexAt = (text: string, at: number, length: number) => {
  const digits = text.slice(at, at + length);
  return digits.length === length && HEX.test(digits) ? String.fromCharCode(Number.parseInt(digits, 16)) : null;
};

/** `%73` → `s`. */
const percentEscape = (text: string, at: number): [string, number] | null => {
  if (text[at] !== '%') return null;
  const character = hexAt(text, at + 1, 2);
  return character === null ? null : [character, 3];
};

/** `\u0073`, `\x73` and `\/`-style escapes (JSON, JavaScript, Python reprs). */
const backslashEscape = (text: string, at: number): [string, number] | null => {
  if (text[at] !== '\\') return null;
  const kind = text[at + 1];
  if (kind === 'u') {
    const character = hexAt(text, at + 2, 4);
    return character === null ? null : [character, 6];
  }
  if (kind === 'x') {
    const character = hexAt(text, at + 2, 2);
    return character === null ? null : [character, 4];
  }
  return kind === '/' || kind === '\\' || kind === '"' || kind === "'" ? [kind, 2] : null;
};

/** The base64 characters that depend on the secret's bytes alone, at each of the 3 byte alignments. */
function base64Cores(secret: Buffer, alphabet: 'base64' | 'base64url'): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), secret])
      .toString(alphabet)
      .replace(/=+$/, '');
    const head = Math.ceil((offset * 8) / 6);
    // The last character mixes in padding bits when the bytes do not fill whole groups of three.
    const tail = (offset + secret.length) % 3 === 0 ? 0 : 1;
    const core = encoded.slice(head, encoded.length - tail);
    if (core.length > 0) cores.push(core);
  }
  return cores;
}

interface Needle {
  /** The secret in one encoding. */
  form: string;
  /** How many consecutive characters of that form give a key away (FRAGMENT_LENGTH key characters). */
  window: number;
  /** Compared case-insensitively (hex). */
  caseless?: boolean;
}

function needlesFor(secret: string): Needle[] {
  const bytes = Buffer.from(secret, 'utf8');
  const needles: Needle[] = [{ form: secret, window: FRAGMENT_LENGTH }];
  needles.push({ form: bytes.toString('hex'), window: FRAGMENT_LENGTH * 2, caseless: true });
  const base64Window = Math.ceil((FRAGMENT_LENGTH * 8) / 6);
  for (const alphabet of ['base64', 'base64url'] as const) {
    for (const core of base64Cores(bytes, alphabet)) needles.push({ form: core, window: base64Window });
  }
  return needles;
}

/** Every window of the needle's form: a text holding any of them gives the key away. */
function gramsOf(needle: Needle): { window: number; grams: Set<string>; caseless: boolean } {
  const window = Math.min(needle.window, needle.form.length);
  const form = needle.caseless ? needle.form.toLowerCase() : needle.form;
  const grams = new Set<string>();
  for (let index = 0; index + window <= form.length; index++) grams.add(form.slice(index, index + window));
  return { window, grams, caseless: needle.caseless === true };
}

/** Marks, in original positions, every window of the text that is a window of the needle. */
function markNeedle(view: View, needle: ReturnType<typeof gramsOf>, mark: (start: number, end: number) => void) {
  const { window, grams } = needle;
  const text = needle.caseless ? view.text.toLowerCase() : view.text;
  for (let index = 0; index + window <= text.length; index++) {
    if (!grams.has(text.slice(index, index + window))) continue;
    const first = view.spans?.[index];
    const last = view.spans?.[index + window - 1];
    mark(first ? first[0] : index, last ? last[1] : index + window);
  }
}

function redactSpans(text: string, secrets: readonly string[]): string {
  const marked: Array<[number, number]> = [];
  const mark = (start: number, end: number) => marked.push([start, end]);
  // Decoded readings only where the text holds an escape at all (most messages hold none).
  const views = viewsOf(text);
  for (const secret of secrets) {
    // Hex and base64 are looked for in every reading too: an escaped string may hold them.
    for (const needle of needlesFor(secret).map(gramsOf)) for (const view of views) markNeedle(view, needle, mark);
  }
  if (marked.length === 0) return text;
  marked.sort((a, b) => a[0] - b[0]);
  let result = '';
  let cursor = 0;
  let open: [number, number] | null = null;
  for (const span of marked) {
    if (open && span[0] <= open[1]) {
      open[1] = Math.max(open[1], span[1]);
      continue;
    }
    if (open) {
      result += text.slice(cursor, open[0]) + REDACTED;
      cursor = open[1];
    }
    open = [span[0], span[1]];
  }
  if (open) {
    result += text.slice(cursor, open[0]) + REDACTED;
    cursor = open[1];
  }
  return result + text.slice(cursor);
}
