import type { Action } from '../action.js';

/** The host agent's report action and the host and container lists (#8). */
export function hostActions(): Action[] {
  return [];
}
