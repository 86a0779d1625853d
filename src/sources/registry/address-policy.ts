import { BlockList, isIP } from 'node:net';
import type { AddressPolicy } from './types.js';

/** Address ranges a registry connection may not reach unless an `allow` entry covers them. */
const REFUSED_V4: [string, number][] = [
  ['0.0.0.0', 8], // "this network", 0.0.0.0
  ['10.0.0.0', 8],
  ['100.64.0.0', 10], // CGNAT
  ['127.0.0.0', 8],
  ['169.254.0.0', 16], // link-local, cloud metadata (169.254.169.254)
  ['172.16.0.0', 12],
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.168.0.0', 16],
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
];
const REFUSED_V6: [string, number][] = [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64: embeds an IPv4 address
  ['64:ff9b:1::', 48],
  ['100::', 64], // discard
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4: embeds an IPv4 address
  ['fc00::', 7], // unique local
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
];

const refused = new BlockList();
for (const [a, p] of REFUSED_V4) refused.addSubnet(a, p, 'ipv4');
for (const [a, p] of REFUSED_V6) refused.addSubnet(a, p, 'ipv6');

/** The IPv4 address an IPv6 literal carries (`::ffff:a.b.c.d`, `::a.b.c.d`, hex forms), if any. */
function embeddedV4(address: string): string | undefined {
  const lower = address.toLowerCase();
  const dotted = /^::(?:ffff:(?:0{1,4}:)?)?(\d+\.\d+\.\d+\.\d+)$/.exec(lower);
  if (dotted) return dotted[1];
  const hex = /^::(?:ffff:(?:0{1,4}:)?)?([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(lower);
  if (hex) {
    const hi = Number.parseInt(hex[1]!, 16);
    const lo = Number.parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return undefined;
}

/** `addr` as the BlockList checks it: IPv4-mapped/compatible IPv6 forms become their IPv4 address. */
function canonical(address: string): { addr: string; family: 'ipv4' | 'ipv6' } | undefined {
  const a = address.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  const v = isIP(a);
  if (v === 4) return { addr: a, family: 'ipv4' };
  if (v === 6) {
    const v4 = embeddedV4(a);
    return v4 && isIP(v4) === 4 ? { addr: v4, family: 'ipv4' } : { addr: a, family: 'ipv6' };
  }
  return undefined;
}

/** Whether `address` is a public unicast address (the default-allowed kind). */
export function isPublicAddress(address: string): boolean {
  const c = canonical(address);
  if (!c) return false;
  return !refused.check(c.addr, c.family);
}

/**
 * The policy of a server: public unicast addresses allowed; loopback, private, CGNAT, link-local,
 * unique-local, unspecified, multicast and reserved addresses refused unless an `allow` entry (a CIDR
 * such as `10.0.0.0/8`, an address, or an exact host name) covers the host or the resolved address.
 */
export function addressPolicy(allow: string[]): AddressPolicy {
  const allowed = new BlockList();
  const hosts = new Set<string>();
  for (const raw of allow) {
    const entry = raw.trim();
    if (!entry) continue;
    const slash = entry.lastIndexOf('/');
    const base = slash > 0 ? entry.slice(0, slash) : entry;
    const c = canonical(base);
    if (c) {
      const max = c.family === 'ipv4' ? 32 : 128;
      let prefix = slash > 0 ? Number(entry.slice(slash + 1)) : max;
      // a mapped IPv6 prefix (::ffff:10.0.0.0/104) becomes its IPv4 prefix
      if (c.family === 'ipv4' && isIP(base.replace(/^\[|\]$/g, '')) === 6) prefix -= 96;
      if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
        throw new Error(`address policy: "${entry}" is not a CIDR`);
      allowed.addSubnet(c.addr, prefix, c.family);
    } else {
      if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/i.test(entry))
        throw new Error(`address policy: "${entry}" is neither a CIDR nor a host name`);
      hosts.add(entry.toLowerCase());
    }
  }
  const list = allow.map((a) => a.trim()).filter(Boolean);
  return {
    allows(host: string, address: string): boolean {
      const c = canonical(address);
      if (!c) return false;
      if (
        hosts.has(
          host
            .toLowerCase()
            .replace(/^\[|\]$/g, '')
            .replace(/\.$/, ''),
        )
      )
        return true;
      if (allowed.check(c.addr, c.family)) return true;
      return !refused.check(c.addr, c.family);
    },
    describe(): string {
      return `public addresses${list.length ? ` and ${list.join(', ')}` : ''}`;
    },
  };
}
