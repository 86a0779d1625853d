import type { RequestContext } from '../api/action.js';
import { ApiError } from '../api/api-error.js';
import { addressPolicy } from '../sources/registry/address-policy.js';
import { RegistryError } from '../sources/registry/types.js';
import { loadSecretsKey, secretBox } from './secrets.js';
import { RegistryInputError, RegistryService } from './service.js';

/**
 * How the registry actions find the registry service. The gateway hands it over in the request
 * context (`ctx.registries`, see RegistryRequestContext); a server that does not gets the fallback
 * given to registryActions, else one built from the environment: public addresses only, the key
 * from HULLSCAN_SECRETS_KEY.
 */
export type RegistryRequestContext = RequestContext & { registries?: RegistryService };

export type RegistryServiceSource = (ctx: RequestContext) => Promise<RegistryService>;

let fromEnv: Promise<RegistryService> | undefined;

/** The service of a request: ctx.registries, else `fallback`, else one from the environment. */
export function registryServiceSource(fallback?: RegistryService): RegistryServiceSource {
  return async (ctx) => {
    const given = (ctx as RegistryRequestContext).registries ?? fallback;
    if (given) return given;
    fromEnv ??= loadSecretsKey({ env: process.env }).then(
      (key) => new RegistryService({ policy: addressPolicy([]), secrets: secretBox(key) }),
    );
    try {
      return await fromEnv;
    } catch (e) {
      fromEnv = undefined;
      throw new ApiError('FailedOperation', {
        en: `this server has no key to store registry passwords with (${(e as Error).message})`,
        zh: `此服务未配置用于加密仓库密码的密钥(${(e as Error).message})`,
      });
    }
  };
}

/** InvalidParameterValue for a refused registry URL or address, naming why. */
export function refusedAddress(param: string, e: RegistryInputError | RegistryError): ApiError {
  return new ApiError('InvalidParameterValue', {
    en: `The value of parameter \`${param}\` is not acceptable: ${e.message}.`,
    zh: `参数 \`${param}\` 取值错误：${e.message}。`,
  });
}

/** Rethrows what the API should answer for an address or URL problem; other errors unchanged. */
export function asApiError(param: string, e: unknown): unknown {
  if (e instanceof RegistryInputError) return refusedAddress(param, e);
  if (e instanceof RegistryError && e.code === 'forbidden-address') return refusedAddress(param, e);
  return e;
}
