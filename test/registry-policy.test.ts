/** The address policy: what registry settings may reach (no SSRF through a registry URL). */
import { describe, expect, it } from 'vitest';
import { addressPolicy, isPublicAddress } from '../src/sources/registry/address-policy.js';

describe('addressPolicy', () => {
  const none = addressPolicy([]);

  it('allows public unicast addresses', () => {
    for (const a of ['8.8.8.8', '1.1.1.1', '151.101.1.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(none.allows('registry.example.com', a), a).toBe(true);
  });

  it('refuses loopback, private, CGNAT, link-local, metadata, ULA, unspecified, multicast and mapped forms', () => {
    for (const a of [
      '127.0.0.1',
      '127.255.0.9',
      '10.0.0.1',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '100.64.0.1',
      '169.254.169.254',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
      '::1',
      '::',
      'fc00::1',
      'fd12:3456::1',
      'fe80::1',
      'ff02::1',
      '::ffff:127.0.0.1',
      '::ffff:7f00:1',
      '::ffff:169.254.169.254',
      '::ffff:a9fe:a9fe',
      '[::1]',
      'not-an-address',
    ])
      expect(none.allows('evil.example.com', a), a).toBe(false);
    expect(isPublicAddress('172.32.0.1')).toBe(true);
    expect(isPublicAddress('172.15.255.255')).toBe(true);
  });

  it('an allow entry (CIDR, address or exact host name) opens just what it covers', () => {
    const p = addressPolicy(['10.1.0.0/16', '127.0.0.1', 'registry.internal', 'fd00::/8']);
    expect(p.allows('x', '10.1.2.3')).toBe(true);
    expect(p.allows('x', '::ffff:10.1.2.3')).toBe(true);
    expect(p.allows('x', '10.2.0.1')).toBe(false);
    expect(p.allows('x', '127.0.0.1')).toBe(true);
    expect(p.allows('x', '127.0.0.2')).toBe(false);
    expect(p.allows('registry.internal', '192.168.9.9')).toBe(true);
    expect(p.allows('REGISTRY.internal.', '192.168.9.9')).toBe(true);
    expect(p.allows('other.internal', '192.168.9.9')).toBe(false);
    expect(p.allows('x', 'fd00::5')).toBe(true);
    expect(p.allows('x', 'fc00::5')).toBe(false);
    expect(p.describe()).toContain('10.1.0.0/16');
  });

  it('malformed entries are refused', () => {
    expect(() => addressPolicy(['10.0.0.0/33'])).toThrow(/CIDR/);
    expect(() => addressPolicy(['http://x/'])).toThrow();
  });
});
