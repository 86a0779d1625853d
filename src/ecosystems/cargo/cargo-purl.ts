import { PackageURL } from 'packageurl-js';
import type { Component } from '../../core/component.js';

/** A crate as a component: `pkg:cargo/serde@1.0.197`. */
export function crateComponent(name: string, version: string): Component {
  let purl: string;
  try {
    purl = new PackageURL('cargo', undefined, name, version, undefined, undefined).toString();
  } catch {
    // a name packageurl-js refuses (hostile input): encoded by hand
    purl = `pkg:cargo/${encodeURIComponent(name)}@${encodeURIComponent(version)}`;
  }
  return { name, version, type: 'cargo', purl };
}
