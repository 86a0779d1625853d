import { randomBytes } from 'node:crypto';
import { dpkgStatus, gzipLayer, type Layer, OciLayout, tarball } from './hostile.js';

/** The EICAR test string (not a virus; every engine reports it), split so no file here contains it. */
export const EICAR = ['X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR', '-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*'].join('');

const DPKG_STATUS = dpkgStatus(
  { name: 'base-files', version: '12.4+deb12u5' },
  { name: 'libc6', version: '2.36-9+deb12u4' },
  { name: 'zlib1g', version: '1:1.2.13.dfsg-1' },
);

/** `n` random characters of RFC 4648 base32 (what AWS key ids are made of). */
function base32(n: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  return [...randomBytes(n)].map((b) => alphabet[b & 31]).join('');
}

export interface Fleet {
  /** `oci:DIR:img-NNNN`, one per image */
  refs: string[];
  dir: string;
  /** the images given a secret (an AWS key in a config file): risky after a risk scan */
  withSecret: Set<number>;
  /** the images given an EICAR file: risky after a virus scan */
  withEicar: Set<number>;
  /** diffIDs of the base layers every image shares */
  baseDiffIDs: string[];
}

/**
 * `count` images in one OCI layout at `dir`, all on the same base layers (a Debian-like OS with a
 * dpkg database and `baseBytes` of incompressible binaries, plus an npm package) and each with one small
 * layer of its own; every 10th image carries a secret, every 25th an EICAR file. Blobs are shared, so a
 * thousand images cost little more disk than one.
 */
export async function buildFleet(
  dir: string,
  count: number,
  options: { baseBytes?: number } = {},
): Promise<Fleet> {
  const layout = await OciLayout.create(dir);
  const baseBytes = options.baseBytes ?? 4 << 20;
  const chunk = 256 << 10;
  const os: Layer = gzipLayer(
    tarball([
      { path: 'etc/', type: 'Directory' },
      {
        path: 'etc/os-release',
        body: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n',
      },
      { path: 'var/lib/dpkg/', type: 'Directory' },
      { path: 'var/lib/dpkg/status', body: DPKG_STATUS },
      { path: 'usr/lib/blob/', type: 'Directory' },
      ...Array.from({ length: Math.max(1, Math.ceil(baseBytes / chunk)) }, (_, i) => ({
        path: `usr/lib/blob/part-${i}.bin`,
        body: randomBytes(chunk),
      })),
    ]),
    'ADD rootfs.tar /',
  );
  const app: Layer = gzipLayer(
    tarball([
      { path: 'app/node_modules/lodash/', type: 'Directory' },
      { path: 'app/node_modules/lodash/package.json', body: '{"name":"lodash","version":"4.17.20"}' },
    ]),
    'COPY node_modules /app/node_modules',
  );
  const refs: string[] = [];
  const withSecret = new Set<number>();
  const withEicar = new Set<number>();
  const tags: { desc: Awaited<ReturnType<OciLayout['image']>>; tag: string }[] = [];
  for (let i = 0; i < count; i++) {
    const tag = `img-${String(i).padStart(4, '0')}`;
    const entries = [
      { path: 'srv/', type: 'Directory' as const },
      { path: `srv/build-${i}.txt`, body: `build ${i} ${randomBytes(8).toString('hex')}\n` },
    ];
    if (i % 10 === 0) {
      withSecret.add(i);
      entries.push({
        path: 'srv/aws.conf',
        body: `aws_access_key_id = AKIA${base32(16)}\naws_secret_access_key = ${randomBytes(30).toString('base64')}\n`,
      });
    }
    if (i % 25 === 0) {
      withEicar.add(i);
      entries.push({ path: 'srv/eicar.com', body: EICAR });
    }
    const own = gzipLayer(tarball(entries), `COPY build-${i} /srv`);
    // a non-root USER: the only risks are the planted ones
    const desc = await layout.image([os, app, own], undefined, (c) => {
      (c.config as { User?: string }).User = '10001';
    });
    tags.push({ desc, tag });
    refs.push(`oci:${dir}:${tag}`);
  }
  await layout.tag(tags);
  return { refs, dir, withSecret, withEicar, baseDiffIDs: [os.diffId, app.diffId] };
}
