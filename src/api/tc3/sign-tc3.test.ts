import { describe, expect, it } from 'vitest';
import {
  canonicalRequest,
  credentialScope,
  deriveKeyChain,
  deriveSigningKey,
  hashedPayload,
  parseTc3Authorization,
  SigningKeyCache,
  sha256Hex,
  signatureHex,
  signTc3Request,
  stringToSign,
  utcDate,
} from './sign-tc3.js';

describe('§3.1 documented CVM example', () => {
  const body = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}';
  const canonical = canonicalRequest({
    method: 'POST',
    path: '/',
    query: '',
    headers: [
      ['content-type', 'application/json; charset=utf-8'],
      ['host', 'cvm.tencentcloudapi.com'],
      ['x-tc-action', 'DescribeInstances'],
    ],
    payloadHash: hashedPayload(body),
  });

  it('HashedPayload', () => {
    expect(hashedPayload(body)).toBe('35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064');
  });

  it('hash(CanonicalRequest), with the x-tc-action value lower-cased', () => {
    expect(canonical).toContain('\nx-tc-action:describeinstances\n\ncontent-type;host;x-tc-action\n');
    expect(sha256Hex(canonical)).toBe('7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84');
  });

  it('Signature from the published kSigning', () => {
    const kSigning = Buffer.from('b596b923aad85185e2d1f6659d2a062e0a86731226e021e61bfe06f7ed05f5af', 'hex');
    const toSign = stringToSign(
      1551113065,
      credentialScope(utcDate(1551113065), 'cvm'),
      sha256Hex(canonical),
    );
    expect(toSign).toBe(
      'TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n7019a55be8395899b900fb5564e4200d984910f34794a27cb3fb7d10ff6a1e84',
    );
    expect(signatureHex(kSigning, toSign)).toBe(
      '10b1a37a7301a02ca19a647ad722d5e43b4b3cff309d421d85b46093f6ab6c4f',
    );
  });
});

describe('§4 captured SDK request', () => {
  const secretId = 'AKIDtcssTEST0000000000000000000000001';
  const secretKey = 'tcssTESTsecretKey000000000000001';
  const body = '{"ImageID":"sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b"}';
  const timestamp = 1796399423;
  const canonicalFor = (host: string) =>
    canonicalRequest({
      method: 'POST',
      path: '/',
      query: '',
      headers: [
        ['content-type', 'application/json'],
        ['host', host],
      ],
      payloadHash: hashedPayload(body),
    });

  it('body length and HashedPayload', () => {
    expect(Buffer.byteLength(body)).toBe(85);
    expect(hashedPayload(body)).toBe('726dd9afe33ee705865f8ec7c22c8584145d52c5c0d98d6d56559d0822af7f95');
  });

  it('canonical request, exactly', () => {
    expect(canonicalFor('127.0.0.1')).toBe(
      'POST\n/\n\ncontent-type:application/json\nhost:127.0.0.1\n\ncontent-type;host\n726dd9afe33ee705865f8ec7c22c8584145d52c5c0d98d6d56559d0822af7f95',
    );
  });

  it('string to sign, exactly', () => {
    expect(utcDate(timestamp)).toBe('2026-12-04');
    expect(
      stringToSign(timestamp, credentialScope('2026-12-04', '127'), sha256Hex(canonicalFor('127.0.0.1'))),
    ).toBe(
      'TC3-HMAC-SHA256\n1796399423\n2026-12-04/127/tc3_request\n13b8e1ecf68037b27779b89589e30e52120ea836a3771a4f985b64a342ed5e5f',
    );
  });

  it('derived keys', () => {
    const chain = deriveKeyChain(secretKey, '2026-12-04', '127');
    expect(chain.kDate.toString('hex')).toBe(
      '2bd2ed4c199964f19f9d484f508a013cd1f5ce6059730b7169f86abdd3c03c25',
    );
    expect(chain.kService.toString('hex')).toBe(
      'bfaefb211b40f94f8ab8d4755a75478f8a49bce4a3d75bed76f6c223ab50d04f',
    );
    expect(chain.kSigning.toString('hex')).toBe(
      'afddedb7f27bd36182d576dd2964b71cf28c2ed03e77a5e6c2db4b42a5b39e63',
    );
    expect(deriveSigningKey(secretKey, '2026-12-04', '127')).toEqual(chain.kSigning);
  });

  const sign = (host: string, service: string) =>
    signatureHex(
      deriveSigningKey(secretKey, '2026-12-04', service),
      stringToSign(timestamp, credentialScope('2026-12-04', service), sha256Hex(canonicalFor(host))),
    );

  it('signature with the port-less host; the host with port gives another', () => {
    expect(sign('127.0.0.1', '127')).toBe('f2bf6a347a0952427019e1f6d42e18c0c0841d3c4862e9bb75046bd3af82eb7e');
    const withPort = sign('127.0.0.1:37425', '127');
    expect(withPort.startsWith('43043990')).toBe(true);
    expect(withPort.endsWith('8b7a')).toBe(true);
  });

  it('service tcss and host tcss.tencentcloudapi.com', () => {
    expect(sha256Hex(canonicalFor('tcss.tencentcloudapi.com'))).toBe(
      'f59821de25108c179f5b42eea72778539a8f38fd4e86ca1191b1b83e70b38c21',
    );
    expect(sign('tcss.tencentcloudapi.com', 'tcss')).toBe(
      '3dd6f04dbed026320f52093273466009d48ac8e3870b7cf494e336d4d36e446c',
    );
  });

  it('signTc3Request reproduces the captured Authorization header', () => {
    const headers = signTc3Request({
      secretId,
      secretKey,
      action: 'DescribeAssetImageDetail',
      region: 'ap-guangzhou',
      host: '127.0.0.1',
      service: '127',
      body,
      timestamp,
    });
    expect(headers).toEqual({
      Authorization:
        'TC3-HMAC-SHA256 Credential=AKIDtcssTEST0000000000000000000000001/2026-12-04/127/tc3_request, SignedHeaders=content-type;host, Signature=f2bf6a347a0952427019e1f6d42e18c0c0841d3c4862e9bb75046bd3af82eb7e',
      'Content-Type': 'application/json',
      Host: '127.0.0.1',
      'X-TC-Action': 'DescribeAssetImageDetail',
      'X-TC-Region': 'ap-guangzhou',
      'X-TC-Timestamp': '1796399423',
      'X-TC-Version': '2020-11-01',
    });
  });

  it('GET: empty payload hash, raw query in the canonical request, form Content-Type', () => {
    expect(hashedPayload('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    const query = 'ImageID=sha256%3A707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b';
    const headers = signTc3Request({
      secretId,
      secretKey,
      action: 'A',
      host: 'h',
      method: 'GET',
      query,
      timestamp,
    });
    expect(headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    const canonical = canonicalRequest({
      method: 'GET',
      path: '/',
      query,
      headers: [
        ['content-type', 'application/x-www-form-urlencoded'],
        ['host', 'h'],
      ],
      payloadHash: hashedPayload(''),
    });
    const expected = signatureHex(
      deriveSigningKey(secretKey, '2026-12-04', 'tcss'),
      stringToSign(timestamp, credentialScope('2026-12-04', 'tcss'), sha256Hex(canonical)),
    );
    expect(headers.Authorization).toContain(`Signature=${expected}`);
  });

  it('UNSIGNED-PAYLOAD hashes the literal string', () => {
    expect(hashedPayload(body, true)).toBe(sha256Hex('UNSIGNED-PAYLOAD'));
    const h = signTc3Request({
      secretId,
      secretKey,
      action: 'A',
      host: 'h',
      body,
      timestamp,
      unsignedPayload: true,
    });
    expect(h['X-TC-Content-SHA256']).toBe('UNSIGNED-PAYLOAD');
  });
});

describe('parseTc3Authorization', () => {
  const good =
    'TC3-HMAC-SHA256 Credential=AKIDx/2026-12-04/127/tc3_request, SignedHeaders=content-type;host, Signature=F2BF6A347A0952427019E1F6D42E18C0C0841D3C4862E9BB75046BD3AF82EB7E';

  it('parses, lower-casing the signature', () => {
    expect(parseTc3Authorization(good)).toEqual({
      secretId: 'AKIDx',
      date: '2026-12-04',
      service: '127',
      signedHeaders: ['content-type', 'host'],
      signature: 'f2bf6a347a0952427019e1f6d42e18c0c0841d3c4862e9bb75046bd3af82eb7e',
    });
  });

  it('keeps a service with a port (localhost:PORT endpoints)', () => {
    const parsed = parseTc3Authorization(good.replace('/127/', '/localhost:8080/'));
    expect(typeof parsed !== 'string' && parsed.service).toBe('localhost:8080');
  });

  it.each([
    ['no algorithm', good.replace('TC3-HMAC-SHA256 ', '')],
    ['other algorithm', good.replace('TC3-HMAC-SHA256', 'TC3-HMAC-SHA1')],
    ['glued algorithm', good.replace('TC3-HMAC-SHA256 ', 'TC3-HMAC-SHA256')],
    ['missing element', good.replace(/, Signature=.*/, '')],
    ['repeated element', `${good}, Signature=${'0'.repeat(64)}`],
    ['unknown element', `${good}, Extra=1`],
    ['short credential', good.replace('/tc3_request', '')],
    ['bad date', good.replace('2026-12-04', '20261204')],
    ['empty secret id', good.replace('AKIDx', '')],
    ['no host signed', good.replace('content-type;host', 'content-type')],
    ['bad header name', good.replace('content-type;host', 'content-type;host;x_tc')],
    ['short signature', good.slice(0, -2)],
    ['non-hex signature', good.replace(/.$/, 'g')],
  ])('%s → reason', (_name, value) => {
    expect(typeof parseTc3Authorization(value)).toBe('string');
  });
});

describe('SigningKeyCache', () => {
  it('returns derived keys and stays within capacity', () => {
    const cache = new SigningKeyCache(3);
    const k = cache.get('secret', '2026-12-04', 'tcss');
    expect(k).toEqual(deriveSigningKey('secret', '2026-12-04', 'tcss'));
    expect(cache.get('secret', '2026-12-04', 'tcss')).toBe(k);
    for (let d = 10; d < 20; d++) cache.get('secret', `2026-12-${d}`, 'tcss');
    expect(cache.size).toBe(3);
  });
});
