// RFC 6238 TOTP codes for the tests, from an otpauth:// URI (as an authenticator app reads it).
import { createHmac } from 'node:crypto';

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').toUpperCase();
  let bits = 0;
  let value = 0;
  const bytes: number[] = [];
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index === -1) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bytes.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(bytes);
}

/** The secret, digits and period of an otpauth://totp URI. */
export function parseTotpUri(uri: string) {
  const url = new URL(uri);
  if (url.protocol !== 'otpauth:' || url.host !== 'totp')
    throw new Error(`not a TOTP URI: ${url.protocol}//${url.host}`);
  const secret = url.searchParams.get('secret');
  if (!secret) throw new Error('no secret');
  return {
    secret,
    key: base32Decode(secret),
    digits: Number(url.searchParams.get('digits') ?? 6),
    period: Number(url.searchParams.get('period') ?? 30),
    label: decodeURIComponent(url.pathname.slice(1)),
    issuer: url.searchParams.get('issuer'),
  };
}

/** The code for `uri` at `at` (ms), `stepOffset` periods away. */
export function totpCode(uri: string, at = Date.now(), stepOffset = 0): string {
  const { key, digits, period } = parseTotpUri(uri);
  const counter = Math.floor(at / 1000 / period) + stepOffset;
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const hmac = createHmac('sha1', key).update(message).digest();
  const offset = (hmac[hmac.length - 1] as number) & 0x0f;
  const binary = hmac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}
