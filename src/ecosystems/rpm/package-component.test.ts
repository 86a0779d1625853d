import { describe, expect, it } from 'vitest';
import type { RpmHeader } from './header-blob.js';
import { headerToComponent } from './package-component.js';
import { RpmTag } from './rpm-tags.js';
import { RpmdbError } from './rpmdb-error.js';

/** An RpmHeader over plain values (the blob layer has its own tests). */
function headerOf(values: Partial<Record<keyof typeof RpmTag, string | number>>): RpmHeader {
  const byTag = new Map<number, string | number>();
  for (const [key, value] of Object.entries(values)) byTag.set(RpmTag[key as keyof typeof RpmTag], value);
  return {
    entries: [],
    has: (tag) => byTag.has(tag),
    string: (tag) => {
      const v = byTag.get(tag);
      if (typeof v === 'number') throw new RpmdbError(`header tag ${tag} has type 4, not a string type`);
      return v;
    },
    strings: (tag) => {
      const v = byTag.get(tag);
      return v === undefined ? undefined : [String(v)];
    },
    integer: (tag) => {
      const v = byTag.get(tag);
      if (typeof v === 'string') throw new RpmdbError(`header tag ${tag} has type 6, not an integer type`);
      return v;
    },
  };
}

const openssl = {
  name: 'openssl-libs',
  epoch: 1,
  version: '1.1.1k',
  release: '9.el8_7',
  arch: 'x86_64',
  sourceRpm: 'openssl-1.1.1k-9.el8_7.src.rpm',
  license: 'OpenSSL and ASL 2.0',
  vendor: 'Red Hat, Inc.',
};

describe('headerToComponent', () => {
  it('maps every field, prefixing the epoch to version and source version', () => {
    expect(
      headerToComponent(headerOf({ ...openssl, modularityLabel: 'nodejs:18:8070020230306170042:ad008a3a' })),
    ).toEqual({
      name: 'openssl-libs',
      version: '1:1.1.1k-9.el8_7',
      type: 'rpm',
      epoch: 1,
      release: '9.el8_7',
      arch: 'x86_64',
      sourceName: 'openssl',
      sourceVersion: '1:1.1.1k-9.el8_7',
      licenses: ['OpenSSL and ASL 2.0'],
      vendor: 'Red Hat, Inc.',
      modularityLabel: 'nodejs:18:8070020230306170042:ad008a3a',
    });
  });

  it('writes an epoch of 0 when the header has one, and none when it has not', () => {
    expect(headerToComponent(headerOf({ ...openssl, epoch: 0 })).version).toBe('0:1.1.1k-9.el8_7');
    const { epoch: _, ...noEpoch } = openssl;
    const c = headerToComponent(headerOf(noEpoch));
    expect(c.version).toBe('1.1.1k-9.el8_7');
    expect(c.sourceVersion).toBe('1.1.1k-9.el8_7');
    expect(c).not.toHaveProperty('epoch');
  });

  it('leaves source, arch and vendor out for gpg-pubkey', () => {
    expect(
      headerToComponent(
        headerOf({ name: 'gpg-pubkey', version: 'fd431d51', release: '4ae0493b', license: 'pubkey' }),
      ),
    ).toEqual({
      name: 'gpg-pubkey',
      version: 'fd431d51-4ae0493b',
      type: 'rpm',
      release: '4ae0493b',
      licenses: ['pubkey'],
    });
  });

  it('leaves out empty strings and an unparseable SOURCERPM', () => {
    const c = headerToComponent(
      headerOf({ ...openssl, vendor: '', license: '', arch: '', sourceRpm: 'garbage' }),
    );
    expect(c).toEqual({
      name: 'openssl-libs',
      version: '1:1.1.1k-9.el8_7',
      type: 'rpm',
      epoch: 1,
      release: '9.el8_7',
    });
  });

  it('rejects headers without NAME, VERSION or RELEASE, or with a malformed tag', () => {
    expect(() => headerToComponent(headerOf({ version: '1', release: '1' }))).toThrow(/no NAME/);
    expect(() => headerToComponent(headerOf({ name: 'x', release: '1' }))).toThrow(
      /x: header has no VERSION/,
    );
    expect(() => headerToComponent(headerOf({ name: 'x', version: '1' }))).toThrow(
      /x: header has no RELEASE/,
    );
    expect(() => headerToComponent(headerOf({ ...openssl, epoch: '1' }))).toThrow(RpmdbError);
  });
});
