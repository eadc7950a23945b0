const STORAGE_KEY = 'riffle.token';

/**
 * The server's access token. The server prints a URL ending in `?token=…`; the app takes the
 * token from there once, keeps it in localStorage and removes it from the address bar (so it is
 * not left in history, bookmarks or screenshots).
 */
export function adoptTokenFromUrl(win: Pick<Window, 'location' | 'history' | 'localStorage'> = window): void {
  const url = new URL(win.location.href);
  const token = url.searchParams.get('token');
  if (token === null) return;
  if (token) win.localStorage.setItem(STORAGE_KEY, token);
  url.searchParams.delete('token');
  win.history.replaceState(win.history.state, '', `${url.pathname}${url.search}${url.hash}`);
}

export function accessToken(): string | undefined {
  try {
    return globalThis.localStorage?.getItem(STORAGE_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** Headers for every API request. */
export function authHeaders(): Record<string, string> {
  const t = accessToken();
  return t ? { authorization: `Bearer ${t}` } : {};
}
