import { PackageURL } from 'packageurl-js';
import type { Component } from '../../core/component.js';

/**
 * Core metadata of an installed distribution (https://packaging.python.org/en/latest/specifications/core-metadata/):
 * `*.dist-info/METADATA`, `*.egg-info/PKG-INFO` or a single-file `*.egg-info`. RFC 822 style headers
 * (`Key: value`, continuation lines start with a space or tab), ended by the first blank line; what
 * follows is the description body, never read.
 */
export interface CoreMetadata {
  name?: string;
  version?: string;
  licenses: string[];
}

/** At most this many header lines are read (real files have a few hundred at most). */
const MAX_HEADER_LINES = 20_000;
/** A `License:` value longer than this, or spanning lines, is a license text, not a name. */
const MAX_LICENSE_NAME = 120;

/** Reads the headers this scanner needs; never throws. */
export function parseCoreMetadata(text: string): CoreMetadata {
  let name: string | undefined;
  let version: string | undefined;
  let expression: string | undefined;
  let license: string | undefined;
  let licenseMultiline = false;
  const classifiers: string[] = [];

  let key: string | undefined;
  let value = '';
  let continued = false;
  const flush = () => {
    if (key === undefined) return;
    const v = value.trim();
    switch (key) {
      case 'name':
        name ??= v;
        break;
      case 'version':
        version ??= v;
        break;
      case 'license-expression':
        expression ??= v;
        break;
      case 'license':
        if (license === undefined) {
          license = v;
          licenseMultiline = continued;
        }
        break;
      case 'classifier':
        if (v.startsWith('License ::')) classifiers.push(v);
        break;
    }
    key = undefined;
    value = '';
    continued = false;
  };

  let start = 0;
  if (text.charCodeAt(0) === 0xfeff) start = 1;
  for (let n = 0; n < MAX_HEADER_LINES && start <= text.length; n++) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    // an empty line ends the headers (the rest is the description body)
    if (line === '') break;
    const first = line.charCodeAt(0);
    if (first === 0x20 || first === 0x09) {
      if (key !== undefined) {
        value += `\n${line.trim()}`;
        continued = true;
      }
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    // as Python's email parser: a line that is not a header starts the body
    if (colon <= 0) break;
    key = line.slice(0, colon).trim().toLowerCase();
    value = line.slice(colon + 1);
    if (
      key !== 'name' &&
      key !== 'version' &&
      key !== 'license' &&
      key !== 'license-expression' &&
      key !== 'classifier'
    ) {
      key = undefined;
      value = '';
    }
  }
  flush();

  return {
    name: name || undefined,
    version: version || undefined,
    licenses: licensesOf(expression, license, licenseMultiline, classifiers),
  };
}

function licensesOf(
  expression: string | undefined,
  license: string | undefined,
  multiline: boolean,
  classifiers: string[],
): string[] {
  if (expression) return [expression];
  if (
    license &&
    !multiline &&
    license.length <= MAX_LICENSE_NAME &&
    !/^(unknown|none|n\/a|-)$/i.test(license)
  ) {
    return [license];
  }
  const out: string[] = [];
  for (const c of classifiers) {
    const parts = c.split('::').map((p) => p.trim());
    const last = parts[parts.length - 1];
    // `License :: OSI Approved` alone names no license
    if (parts.length < 2 || !last || last === 'OSI Approved') continue;
    if (!out.includes(last)) out.push(last);
  }
  return out;
}

/** The purl of a PyPI package: name lower-cased with `_` → `-` (purl-spec PURL-TYPES pypi). */
export function pypiPurl(name: string, version: string): string {
  return new PackageURL(
    'pypi',
    undefined,
    name.toLowerCase().replace(/_/g, '-'),
    version,
    undefined,
    undefined,
  ).toString();
}

/** A `pypi` component. */
export function pypiComponent(name: string, version: string, extra?: Partial<Component>): Component {
  return { name, version, type: 'pypi', purl: pypiPurl(name, version), ...extra };
}
