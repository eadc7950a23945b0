import { describe, expect, it } from 'vitest';
import { adoptTokenFromUrl } from './access-token';

function fakeWindow(href: string) {
  const store = new Map<string, string>();
  const win = {
    location: { href },
    history: { state: null, replaceState: (_s: unknown, _t: string, url: string) => (win.location.href = new URL(url, href).href) },
    localStorage: { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v) },
  };
  return { win, store };
}

describe('adoptTokenFromUrl', () => {
  it('keeps the token and removes it from the address bar, leaving other parameters', () => {
    const { win, store } = fakeWindow('http://127.0.0.1:8080/?token=abc123&view=jobs#x');
    adoptTokenFromUrl(win as never);
    expect(store.get('riffle.token')).toBe('abc123');
    expect(win.location.href).toBe('http://127.0.0.1:8080/?view=jobs#x');
  });

  it('leaves a URL without a token alone', () => {
    const { win, store } = fakeWindow('http://127.0.0.1:8080/');
    adoptTokenFromUrl(win as never);
    expect(store.size).toBe(0);
    expect(win.location.href).toBe('http://127.0.0.1:8080/');
  });
});
