/**
 * The web console's page contract (#9). The shell (sign-in, router, API client, language, layout)
 * renders pages through this; each page lives in its own file under pages/ with its own strings.
 */

/** An API call exactly as any client makes it: TC3-signed in the browser with the signed-in credential. */
export interface ConsoleApi {
  call<T = Record<string, unknown>>(action: string, params?: Record<string, unknown>): Promise<T>;
}

export type Lang = 'en-US' | 'zh-CN';

/** Strings of one page in both languages; `{name}` placeholders are filled by `t`. */
export type Strings = Record<string, { en: string; zh: string }>;

export interface PageContext {
  api: ConsoleApi;
  lang: Lang;
  /** the page's string in the current language, placeholders filled */
  t(strings: Strings, key: string, vars?: Record<string, string | number>): string;
  /** goes to a route (`#/images/sha256:…`) */
  navigate(hash: string): void;
  /** the account signed in */
  account: { secretId: string };
}

export interface Page {
  /** renders into `root` (already emptied); `params` from the route (`id` of `#/images/:id`) */
  render(root: HTMLElement, ctx: PageContext, params: Record<string, string>): Promise<void> | void;
  /** stops timers (live progress) when the page is left */
  dispose?(): void;
}
