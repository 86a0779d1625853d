import { ApiCallError } from './api.js';
import type { PageContext } from './contract.js';
import { h } from './dom.js';
import { SHELL } from './strings.js';

/** An alert box with the API error's Code and Message (the message is in the chosen language). */
export function errorBox(ctx: Pick<PageContext, 't'>, err: unknown): HTMLElement {
  const code = err instanceof ApiCallError ? err.code : 'Error';
  const message = err instanceof Error ? err.message : String(err);
  return h('div', { class: 'error', role: 'alert' }, ctx.t(SHELL, 'error', { code, message }));
}
