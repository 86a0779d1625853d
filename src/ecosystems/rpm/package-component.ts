import type { Component } from '../../core/component.js';
import type { RpmHeader } from './header-blob.js';
import { RpmTag } from './rpm-tags.js';
import { RpmdbError } from './rpmdb-error.js';
import { parseSourceRpm } from './source-rpm.js';

/**
 * The installed package a database header describes. `version` is `epoch:version-release` when the
 * header has an EPOCH tag (even 0) and `version-release` otherwise. `sourceName`/`sourceVersion` come from
 * SOURCERPM, the source version taking the binary's epoch (a source rpm file name never carries one, and
 * every binary built from it shares it); both are left out when SOURCERPM is absent or unparseable
 * (gpg-pubkey). Empty strings (no vendor, no license) are left out. Throws RpmdbError when NAME, VERSION
 * or RELEASE is missing or any read tag is malformed.
 */
export function headerToComponent(header: RpmHeader): Component {
  const name = header.string(RpmTag.name);
  const version = header.string(RpmTag.version);
  const release = header.string(RpmTag.release);
  if (!name) throw new RpmdbError('header has no NAME');
  if (version === undefined) throw new RpmdbError(`package ${name}: header has no VERSION`);
  if (release === undefined) throw new RpmdbError(`package ${name}: header has no RELEASE`);
  const epoch = header.integer(RpmTag.epoch);
  const withEpoch = (vr: string) => (epoch === undefined ? vr : `${epoch}:${vr}`);

  const component: Component = { name, version: withEpoch(`${version}-${release}`), type: 'rpm' };
  if (epoch !== undefined) component.epoch = epoch;
  component.release = release;
  const arch = header.string(RpmTag.arch);
  if (arch) component.arch = arch;
  const sourceRpm = header.string(RpmTag.sourceRpm);
  const source = sourceRpm ? parseSourceRpm(sourceRpm) : undefined;
  if (source) {
    component.sourceName = source.name;
    component.sourceVersion = withEpoch(`${source.version}-${source.release}`);
  }
  const license = header.string(RpmTag.license);
  if (license) component.licenses = [license];
  const vendor = header.string(RpmTag.vendor);
  if (vendor) component.vendor = vendor;
  const modularityLabel = header.string(RpmTag.modularityLabel);
  if (modularityLabel) component.modularityLabel = modularityLabel;
  return component;
}
