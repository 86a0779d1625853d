import { describe, expect, it } from 'vitest';
import { ApiError } from '../api-error.js';
import { Authenticator, withoutPort } from './authenticate.js';
import { staticCredentials } from './credentials.js';

const account = { appId: 1250000000, uin: '100000000001' };
const KEY = {
  secretId: 'AKIDtcssTEST0000000000000000000000001',
  secretKey: 'tcssTESTsecretKey000000000000001',
};
const NOW = 1796399423_000;

function codeOf(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof ApiError) return e.code;
    throw e;
  }
  return 'OK';
}

describe('the captured SDK requests of PROTOCOL §4 and §5 verify', () => {
  const auth = (now = NOW) => new Authenticator(staticCredentials([{ ...KEY, account }]), () => now);
  const body = Buffer.from(
    '{"ImageID":"sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b"}',
  );
  const headers = {
    'x-tc-traceid': '02a777de-8ed3-495d-b8a1-2a893b1e6692',
    host: '127.0.0.1:37425',
    'x-tc-action': 'DescribeAssetImageDetail',
    'x-tc-region': 'ap-guangzhou',
    'x-tc-timestamp': '1796399423',
    'x-tc-version': '2020-11-01',
    'x-tc-requestclient': 'SDK_NODEJS_4.1.313',
    'content-type': 'application/json',
    authorization:
      'TC3-HMAC-SHA256 Credential=AKIDtcssTEST0000000000000000000000001/2026-12-04/127/tc3_request, SignedHeaders=content-type;host, Signature=f2bf6a347a0952427019e1f6d42e18c0c0841d3c4862e9bb75046bd3af82eb7e',
  };

  it('TC3: the Host with port fails, the port-stripped retry succeeds', () => {
    const result = auth().tc3(headers, 'POST', '/', '', body);
    expect(result).toMatchObject({ action: 'DescribeAssetImageDetail', version: '2020-11-01' });
    expect(result.credential.account).toEqual(account);
  });

  it('TC3: 300 s of skew pass, 301 s do not', () => {
    expect(codeOf(() => auth(NOW + 300_999).tc3(headers, 'POST', '/', '', body))).toBe('OK');
    expect(codeOf(() => auth(NOW - 300_000).tc3(headers, 'POST', '/', '', body))).toBe('OK');
    expect(codeOf(() => auth(NOW + 301_000).tc3(headers, 'POST', '/', '', body))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(() => auth(NOW - 301_000).tc3(headers, 'POST', '/', '', body))).toBe(
      'AuthFailure.SignatureExpire',
    );
  });

  it('TC3: a changed body, method or query fails', () => {
    const a = auth();
    expect(codeOf(() => a.tc3(headers, 'POST', '/', '', Buffer.from('{}')))).toBe(
      'AuthFailure.SignatureFailure',
    );
    expect(codeOf(() => a.tc3(headers, 'GET', '/', '', body))).toBe('AuthFailure.SignatureFailure');
    expect(codeOf(() => a.tc3(headers, 'POST', '/', 'a=1', body))).toBe('AuthFailure.SignatureFailure');
    expect(codeOf(() => a.tc3({ ...headers, host: '127.0.0.2:37425' }, 'POST', '/', '', body))).toBe(
      'AuthFailure.SignatureFailure',
    );
  });

  it('TC3: verification order — authorization shape, required headers, clock, key', () => {
    const a = auth(NOW + 3_600_000);
    const { 'x-tc-action': _a, ...noAction } = headers;
    expect(codeOf(() => a.tc3({ ...noAction, authorization: 'junk' }, 'POST', '/', '', body))).toBe(
      'AuthFailure.InvalidAuthorization',
    );
    expect(codeOf(() => a.tc3(noAction, 'POST', '/', '', body))).toBe('MissingParameter');
    expect(codeOf(() => a.tc3({ ...headers, 'x-tc-timestamp': 'soon' }, 'POST', '/', '', body))).toBe(
      'InvalidParameter',
    );
    const unknown = headers.authorization.replace('AKIDtcssTEST0000', 'AKIDtcssNONE0000');
    expect(codeOf(() => a.tc3({ ...headers, authorization: unknown }, 'POST', '/', '', body))).toBe(
      'AuthFailure.SignatureExpire',
    );
    expect(codeOf(() => auth().tc3({ ...headers, authorization: unknown }, 'POST', '/', '', body))).toBe(
      'AuthFailure.SecretIdNotFound',
    );
  });

  it('v1: the captured HmacSHA256 form', () => {
    const params = new Map([
      ['ImageID', 'sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b'],
      ['Action', 'DescribeAssetImageDetail'],
      ['RequestClient', 'SDK_NODEJS_4.1.313'],
      ['Nonce', '54513'],
      ['Timestamp', '1796399423'],
      ['Version', '2020-11-01'],
      ['SecretId', 'AKIDtcssTEST0000000000000000000000001'],
      ['Region', 'ap-guangzhou'],
      ['SignatureMethod', 'HmacSHA256'],
      ['Signature', 'VGLKhjn+keB3vI+2pgV4qpOTdqqGo3+t2u42G5GczoQ='],
    ]);
    expect(auth().v1(params, 'POST', '127.0.0.1:37425', '/').action).toBe('DescribeAssetImageDetail');
    expect(codeOf(() => auth().v1(params, 'GET', '127.0.0.1:37425', '/'))).toBe(
      'AuthFailure.SignatureFailure',
    );
    const other = new Map(params).set('SignatureMethod', 'HmacMD5');
    expect(codeOf(() => auth().v1(other, 'POST', '127.0.0.1:37425', '/'))).toBe(
      'AuthFailure.SignatureFailure',
    );
    const noSig = new Map(params);
    noSig.delete('Signature');
    expect(codeOf(() => auth().v1(noSig, 'POST', '127.0.0.1:37425', '/'))).toBe('MissingParameter');
  });
});

describe('withoutPort', () => {
  it.each([
    ['127.0.0.1:37425', '127.0.0.1'],
    ['tcss.tencentcloudapi.com', 'tcss.tencentcloudapi.com'],
    ['localhost:8080', 'localhost'],
    ['[::1]:8080', '[::1]'],
    ['[::1]', '[::1]'],
    ['', ''],
  ])('%s → %s', (host, bare) => {
    expect(withoutPort(host)).toBe(bare);
  });
});
