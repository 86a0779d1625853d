import { parseArgs } from 'node:util';
import { submitRequest } from '../api/actions/SubmitAssetImageIndex/index.js';
import { signTc3Request } from '../api/tc3/sign-tc3.js';
import { BadInputError } from '../core/errors.js';
import { imageRecord } from '../scan/image-record.js';
import { scanImage, scanSource } from '../scan/scan-image.js';
import { scannerPlan, virusOptions } from '../scan/scanners.js';
import { openSource } from '../sources/open-source.js';
import { parsePlatform } from '../sources/platform.js';
import {
  cliRegistryError,
  REGISTRY_FLAGS,
  REGISTRY_USAGE,
  registryFlags,
} from '../sources/registry/cli-flags.js';
import { defaultDataDir } from './data-dir.js';
import { firstCredential, generatedCredentialsFile } from './local-account.js';

export const SUBMIT_USAGE = `usage: hullscan submit REF --server URL [--secret-id ID --secret-key KEY] [--data DIR] [--platform P]
  Scans REF here (layer cache in DIR) and stores the result in the server's inventory under the
  credential's account. Credential: the flags, else HULLSCAN_SECRET_ID/HULLSCAN_SECRET_KEY, else DIR/credentials.json.
  ${REGISTRY_USAGE}`;

/** Calls one action of a hullscan (or TCSS) endpoint with TC3-HMAC-SHA256; returns `Response` or throws with the error code. */
export async function callAction(
  server: URL,
  cred: { secretId: string; secretKey: string },
  action: string,
  params: unknown,
): Promise<Record<string, unknown>> {
  const body = JSON.stringify(params);
  const headers = signTc3Request({
    secretId: cred.secretId,
    secretKey: cred.secretKey,
    action,
    version: '2020-11-01',
    body,
    host: server.host,
    service: 'tcss',
    timestamp: Math.floor(Date.now() / 1000),
  });
  const res = await fetch(new URL('/', server), { method: 'POST', headers, body });
  if (res.status !== 200) throw new Error(`${server.origin} answered HTTP ${res.status}`);
  const json = (await res.json()) as {
    Response?: { Error?: { Code: string; Message: string } } & Record<string, unknown>;
  };
  const r = json.Response;
  if (!r) throw new Error(`${server.origin} did not answer with a TencentCloud API envelope`);
  if (r.Error) throw new BadInputError(server.origin, `${r.Error.Code}: ${r.Error.Message}`);
  return r;
}

/** `hullscan submit`: scan here, store there. */
export async function submitCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      server: { type: 'string' },
      'secret-id': { type: 'string' },
      'secret-key': { type: 'string' },
      data: { type: 'string' },
      platform: { type: 'string' },
      timezone: { type: 'string' },
      ...REGISTRY_FLAGS,
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    process.stdout.write(`${SUBMIT_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1 || !values.server)
    throw new BadInputError('usage', `submit needs REF and --server\n${SUBMIT_USAGE}`);
  let server: URL;
  try {
    server = new URL(values.server);
  } catch {
    throw new BadInputError('--server', `"${values.server}" is not a URL`);
  }
  const registry = registryFlags(positionals[0]!, values);
  const dataDir = values.data ?? defaultDataDir();
  const secretId = values['secret-id'] ?? process.env.HULLSCAN_SECRET_ID;
  const secretKey = values['secret-key'] ?? process.env.HULLSCAN_SECRET_KEY;
  const cred =
    secretId && secretKey
      ? { secretId, secretKey }
      : await firstCredential(generatedCredentialsFile(dataDir));
  if (!cred)
    throw new BadInputError(
      'credential',
      'give --secret-id/--secret-key or HULLSCAN_SECRET_ID/HULLSCAN_SECRET_KEY',
    );
  // the secret, risk and virus scanners run here too (signatures from DATA/signatures,
  // HULLSCAN_SIGNATURES or HULLSCAN_CLAMD): the server gets the findings, never the files
  const plan = await scannerPlan(['secret', 'risk', 'virus'], dataDir, virusOptions({}));
  const ref = positionals[0]!;
  const platform = values.platform ? parsePlatform(values.platform) : undefined;
  const scanOpts = {
    dataDir,
    platform,
    analyzers: plan.analyzers,
    imageChecks: plan.imageChecks,
    filesystemChecks: plan.filesystemChecks,
  };
  let result: Awaited<ReturnType<typeof scanImage>>;
  if (registry) {
    try {
      const source = await openSource(ref, { platform, registry });
      try {
        result = await scanSource(source, scanOpts);
      } finally {
        await source.close();
      }
    } catch (e) {
      throw cliRegistryError(ref, e);
    }
  } else result = await scanImage(ref, scanOpts);
  if (plan.errors.virus) result.scannerErrors = plan.errors;
  const record = imageRecord(result, values.timezone ?? process.env.HULLSCAN_TIMEZONE ?? 'UTC', plan.scans);
  const r = await callAction(server, cred, 'SubmitAssetImageIndex', submitRequest(record));
  process.stdout.write(
    `stored ${String(r.ImageID)} (${record.components.length} components, ${record.risks?.length ?? 0} risks, ${record.viruses?.length ?? 0} viruses) at ${server.origin}\n`,
  );
  return 0;
}
