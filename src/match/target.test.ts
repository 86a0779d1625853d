import { describe, expect, it } from 'vitest';
import type { Component } from '../core/component.js';
import { matchTarget } from './target.js';

const os = (id: string, version: string) => ({ id, version, source: 'test' });
const c = (type: string, name: string, version: string, sourceName?: string): Component => ({
  type,
  name,
  version,
  sourceName,
});

describe('matchTarget', () => {
  it.each<[string, Component, ReturnType<typeof os>, string | undefined, string | undefined]>([
    [
      'Debian through the source package',
      c('deb', 'libssl3', '3.0.11-1', 'openssl'),
      os('debian', '12.5'),
      'Debian:12',
      'openssl',
    ],
    ['Debian unstable', c('deb', 'bash', '5.2-1'), os('debian', 'trixie/sid'), 'Debian:unstable', 'bash'],
    [
      'Ubuntu LTS',
      c('deb', 'libc6', '2.35-0ubuntu3', 'glibc'),
      os('ubuntu', '22.04'),
      'Ubuntu:22.04:LTS',
      'glibc',
    ],
    [
      'Ubuntu interim',
      c('deb', 'libc6', '2.38-1ubuntu6', 'glibc'),
      os('ubuntu', '23.10'),
      'Ubuntu:23.10',
      'glibc',
    ],
    [
      'Alpine through the origin, by branch',
      c('apk', 'libcrypto3', '3.1.4-r5', 'openssl'),
      os('alpine', '3.19.1'),
      'Alpine:v3.19',
      'openssl',
    ],
    [
      'Rocky by release and binary name',
      c('rpm', 'openssl-libs', '1:3.0.7-25.el9_3', 'openssl'),
      os('rocky', '9.3'),
      'Rocky Linux:9',
      'openssl-libs',
    ],
    ['AlmaLinux', c('rpm', 'bash', '5.1.8-6.el9'), os('almalinux', '9.4'), 'AlmaLinux:9', 'bash'],
    ['an OS no feed covers', c('deb', 'x', '1'), os('kali', '2024.1'), undefined, undefined],
    ['no OS version', c('deb', 'x', '1'), os('debian', ''), undefined, undefined],
  ])('%s', (_n, comp, o, ecosystem, name) => {
    const t = matchTarget(comp, o);
    expect(t?.ecosystem).toBe(ecosystem);
    expect(t?.packageName).toBe(name);
  });
});
