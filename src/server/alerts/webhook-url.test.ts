import { describe, expect, it } from 'vitest';
import { guardedLookup, isRefusedAddress } from './webhook-url.ts';

describe('the addresses a webhook delivery refuses', () => {
  it('refuses link-local and the cloud metadata addresses, in every spelling', () => {
    for (const address of [
      '169.254.169.254',
      '169.254.0.1',
      '100.100.100.200',
      'fe80::1',
      'FE80::abcd',
      'fd00:ec2::254',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '[fe80::1]',
      'fe80::1%eth0',
      '0.0.0.0',
      '::',
      'not-an-address',
    ]) {
      expect(isRefusedAddress(address), address).toBe(true);
    }
  });

  it('allows loopback, private and public addresses (documented: self-hosted bridges)', () => {
    for (const address of [
      '127.0.0.1',
      '::1',
      '10.0.0.5',
      '192.168.1.10',
      '172.16.0.1',
      'fd12::1',
      '93.184.215.14',
      '2606:4700::1111',
    ]) {
      expect(isRefusedAddress(address), address).toBe(false);
    }
  });

  it('checks the very address a name resolves to', async () => {
    const resolved = await new Promise<string>((resolve, reject) =>
      guardedLookup('localhost', { family: 4 }, (error, address) => (error ? reject(error) : resolve(String(address)))),
    );
    expect(resolved).toBe('127.0.0.1');
  });
});
