/**
 * Test-only builders of fake credentials in the real formats, made at run time from a seeded generator
 * so no token-shaped literal sits in the source (and no two runs differ).
 */
import { base62, crc32 } from './text.js';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
const HEX = '0123456789abcdef';
const B64 = `${ALNUM}+/`;

export class FakeSecrets {
  private state: number;
  constructor(seed = 42) {
    this.state = seed >>> 0 || 1;
  }
  private next(): number {
    // xorshift32
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return this.state;
  }
  chars(n: number, alphabet = ALNUM): string {
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[this.next() % alphabet.length];
    return s;
  }
  digits(n: number): string {
    return this.chars(n, '0123456789');
  }
  hex(n: number): string {
    return this.chars(n, HEX);
  }
  base64(n: number): string {
    return this.chars(n, B64);
  }
  awsKeyId(): string {
    return `AK${'IA'}${this.chars(16, UPPER32)}`;
  }
  awsSecret(): string {
    return this.chars(40, `${ALNUM}/+`);
  }
  tencentId(): string {
    return `AK${'ID'}${this.chars(32)}`;
  }
  tencentKey(): string {
    return this.chars(32);
  }
  alibabaId(): string {
    return `LT${'AI'}${this.chars(20)}`;
  }
  /** A classic GitHub token with a valid checksum (`valid: false` spoils it). */
  github(prefix = 'ghp', valid = true): string {
    const random = this.chars(30);
    const sum = base62(crc32(random), 6);
    const spoiled = sum === '000000' ? '000001' : '000000';
    return `${prefix}_${random}${valid ? sum : spoiled}`;
  }
  githubFineGrained(): string {
    return `github${'_pat_'}${this.chars(22)}_${this.chars(59)}`;
  }
  gitlab(): string {
    return `gl${'pat-'}${this.chars(20)}`;
  }
  slackBot(): string {
    return `xo${'xb-'}${this.digits(12)}-${this.digits(13)}-${this.chars(24)}`;
  }
  slackWebhook(): string {
    return `https://hooks.slack.com/services/T${this.chars(8, UPPER32)}/B${this.chars(8, UPPER32)}/${this.chars(24)}`;
  }
  stripe(): string {
    return `sk${'_live_'}${this.chars(24)}`;
  }
  npm(): string {
    return `np${'m_'}${this.chars(36)}`;
  }
  pypi(): string {
    return `pypi-${'AgEIcHlwaS5vcmc'}${this.chars(70, `${ALNUM}_-`)}`;
  }
  azureStorageKey(): string {
    return `${this.base64(86)}==`;
  }
  azureClientSecret(): string {
    return `${this.chars(3)}8Q~${this.chars(34)}`;
  }
  jwt(payload: Record<string, unknown> = { sub: 'user-1', iat: 1700000000 }, alg = 'HS256'): string {
    const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
    return `${enc({ alg, typ: 'JWT' })}.${enc(payload)}.${this.chars(43, `${ALNUM}_-`)}`;
  }
  password(n = 14): string {
    return `${this.chars(n - 2)}#9`;
  }
  /** A SHA-512 crypt hash shape (`$6$salt$hash`). */
  shadowHash(): string {
    return `$6$${this.chars(16, `${ALNUM}./`)}$${this.chars(86, `${ALNUM}./`)}`;
  }
  pemBody(lines = 6): string {
    return Array.from({ length: lines }, () => this.base64(64)).join('\n');
  }
}
