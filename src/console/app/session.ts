/** The signed-in credential: kept in sessionStorage only (gone when the tab closes), never sent anywhere. */

export interface Session {
  secretId: string;
  secretKey: string;
}

const KEY = 'hullscan.console.session';

export function loadSession(): Session | undefined {
  try {
    const raw = sessionStorage.getItem(KEY);
    if (!raw) return undefined;
    const s = JSON.parse(raw) as Partial<Session>;
    if (typeof s.secretId === 'string' && typeof s.secretKey === 'string' && s.secretId && s.secretKey)
      return { secretId: s.secretId, secretKey: s.secretKey };
  } catch {
    // unreadable: treat as signed out
  }
  return undefined;
}

export function saveSession(s: Session): void {
  sessionStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  sessionStorage.removeItem(KEY);
}
