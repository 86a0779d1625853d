import { describe, expect, it } from 'vitest';
import { flattenParams } from './flat-params.js';
import { signV1Request, v1Signature, v1SignString } from './sign-v1.js';

describe('§5 captured SDK request (HmacSHA256, POST)', () => {
  const signString =
    'POST127.0.0.1:37425/?Action=DescribeAssetImageDetail&ImageID=sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b&Nonce=54513&Region=ap-guangzhou&RequestClient=SDK_NODEJS_4.1.313&SecretId=AKIDtcssTEST0000000000000000000000001&SignatureMethod=HmacSHA256&Timestamp=1796399423&Version=2020-11-01';
  // wire order of the body: business parameters first, then the common ones
  const params: [string, string][] = [
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
  ];

  it('sign string from the parameters (sorted, raw, Signature left out)', () => {
    expect(v1SignString('POST', '127.0.0.1:37425', '/', params)).toBe(signString);
    expect(v1SignString('POST', '127.0.0.1:37425', '/', Object.fromEntries(params))).toBe(signString);
  });

  it('signature', () => {
    expect(v1Signature('tcssTESTsecretKey000000000000001', signString, 'HmacSHA256')).toBe(
      'VGLKhjn+keB3vI+2pgV4qpOTdqqGo3+t2u42G5GczoQ=',
    );
  });

  it('signV1Request reproduces it', () => {
    const signed = signV1Request({
      secretId: 'AKIDtcssTEST0000000000000000000000001',
      secretKey: 'tcssTESTsecretKey000000000000001',
      action: 'DescribeAssetImageDetail',
      params: { ImageID: 'sha256:707540fd8a54ab3ebc086ecc96d2d6143fd92c1cac4d0b23353e1b7078b5937b' },
      host: '127.0.0.1:37425',
      region: 'ap-guangzhou',
      timestamp: 1796399423,
      nonce: 54513,
      requestClient: 'SDK_NODEJS_4.1.313',
    });
    expect(signed).toEqual(Object.fromEntries(params));
  });
});

describe('§5 public docs vector (HmacSHA1, GET)', () => {
  const signString =
    'GETcvm.tencentcloudapi.com/?Action=DescribeInstances&InstanceIds.0=ins-09dx96dg&Limit=20&Nonce=11886&Offset=0&Region=ap-guangzhou&SecretId=AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE&Timestamp=1465185768&Version=2017-03-12';

  it('signature', () => {
    expect(v1Signature('Gu5t9xGARNpq86cd98joQYCN3EXAMPLE', signString, 'HmacSHA1')).toBe(
      'EliP9YW3pW28FpsEdkXt/+WcGeI=',
    );
  });

  it('sign string from nested parameters', () => {
    const params = {
      ...flattenParams({ InstanceIds: ['ins-09dx96dg'], Limit: 20, Offset: 0 }),
      Action: 'DescribeInstances',
      Nonce: '11886',
      Region: 'ap-guangzhou',
      SecretId: 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE',
      Timestamp: '1465185768',
      Version: '2017-03-12',
    };
    expect(v1SignString('GET', 'cvm.tencentcloudapi.com', '/', params)).toBe(signString);
  });
});

describe('flattenParams', () => {
  it('flattens like the SDKs: dotted keys, indices, nulls and empty containers dropped', () => {
    expect(
      flattenParams({
        Filters: [{ Name: 'a', Values: ['x', 'y'], ExactMatch: true }],
        Limit: 10,
        Skip: null,
        Gone: undefined,
        Empty: [],
        Nested: { Deep: { Deeper: 'z' } },
      }),
    ).toEqual({
      'Filters.0.Name': 'a',
      'Filters.0.Values.0': 'x',
      'Filters.0.Values.1': 'y',
      'Filters.0.ExactMatch': 'true',
      Limit: '10',
      'Nested.Deep.Deeper': 'z',
    });
  });
});
