/**
 * An error the API answers with `{"Response":{"Error":{"Code","Message"},"RequestId"}}` (HTTP 200).
 * `code` is a TencentCloud error code (PROTOCOL.md §9); `message` is per language. Only the gateway
 * turns it into the envelope; handlers throw it.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    readonly messages: { en: string; zh: string },
    options?: ErrorOptions,
  ) {
    super(`${code}: ${messages.en}`, options);
  }

  messageFor(language: 'zh-CN' | 'en-US'): string {
    return language === 'zh-CN' ? this.messages.zh : this.messages.en;
  }
}
