// A webhook URL is hostile input from a careless admin (or a stolen admin session): checked when it
// is saved, and its address checked again at every delivery, after DNS resolution, so that a name
// that resolves (or is later re-pointed) to the cloud's metadata service is never reached.
//
// The rule (docs/alerts.md): http or https only, no credentials in the URL, at most 2048
// characters. Link-local addresses (169.254.0.0/16, fe80::/10) and the cloud metadata addresses
// (169.254.169.254, 100.100.100.200, fd00:ec2::254) are always refused, as are the unspecified
// addresses. Loopback and private addresses are allowed: a self-hosted WeBox often posts to a chat
// bridge on its own machine or network (and the tests' receivers listen on 127.0.0.1).
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { WEBHOOK_URL_MAX } from '../../shared/alerts.ts';
import { alertErrors } from './alert-errors.ts';

const refused = new BlockList();
refused.addSubnet('169.254.0.0', 16, 'ipv4');
refused.addAddress('100.100.100.200', 'ipv4');
refused.addSubnet('0.0.0.0', 8, 'ipv4');
refused.addSubnet('fe80::', 10, 'ipv6');
refused.addAddress('fd00:ec2::254', 'ipv6');
refused.addAddress('::', 'ipv6');

/** An IPv4 address written as IPv6 (`::ffff:169.254.169.254`) is judged as the IPv4 it is. */
function unmapped(address: string): { address: string; family: 'ipv4' | 'ipv6' } | null {
  const bare = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const version = isIP(bare);
  if (version === 4) return { address: bare, family: 'ipv4' };
  if (version !== 6) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(bare);
  if (mapped?.[1]) return { address: mapped[1], family: 'ipv4' };
  const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(bare);
  if (hexMapped?.[1] && hexMapped[2]) {
    const high = Number.parseInt(hexMapped[1], 16);
    const low = Number.parseInt(hexMapped[2], 16);
    return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 'ipv4' };
  }
  return { address: bare, family: 'ipv6' };
}

/** Whether a delivery may connect to this address (link-local and metadata addresses: never). */
export function isRefusedAddress(address: string): boolean {
  const parsed = unmapped(address);
  if (!parsed) return true;
  return refused.check(parsed.address, parsed.family);
}

/** The saved form of a webhook URL, or a 400 naming the broken rule. */
export function checkWebhookUrl(raw: string): string {
  if (raw.length > WEBHOOK_URL_MAX) throw alertErrors.invalidWebhookUrl(`at most ${WEBHOOK_URL_MAX} characters`);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw alertErrors.invalidWebhookUrl('it is not an absolute URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw alertErrors.invalidWebhookUrl('only http and https');
  if (url.username !== '' || url.password !== '') {
    throw alertErrors.invalidWebhookUrl('no user name or password in the URL (the signature authenticates WeBox)');
  }
  if (url.hostname === '') throw alertErrors.invalidWebhookUrl('it has no host');
  if (isIP(url.hostname.replace(/^\[|\]$/g, '')) !== 0 && isRefusedAddress(url.hostname)) {
    throw alertErrors.invalidWebhookUrl('link-local and cloud metadata addresses are never reached');
  }
  const saved = url.toString();
  if (saved.length > WEBHOOK_URL_MAX) throw alertErrors.invalidWebhookUrl(`at most ${WEBHOOK_URL_MAX} characters`);
  return saved;
}

/** Raised by the guarded lookup: the name resolved to a refused address. */
export class RefusedAddressError extends Error {
  override name = 'RefusedAddressError';
  readonly code = 'EREFUSEDADDRESS';
}

/**
 * A DNS lookup for the delivery's socket that refuses a name resolving to a refused address. The
 * check happens on the very address the socket then connects to (no second resolution in between
 * for a rebinding name to change).
 */
export const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error) return callback(error, '', 0);
    const list = Array.isArray(addresses) ? addresses : [];
    if (list.length === 0 || list.some((entry) => isRefusedAddress(entry.address))) {
      return callback(new RefusedAddressError('refused address'), '', 0);
    }
    if (options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
    const first = list[0] as LookupAddress;
    return callback(null, first.address, first.family);
  });
};
