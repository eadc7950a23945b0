import { authHeaders } from './access-token';

/** What the UI says when a request never reached the server. */
export const UNREACHABLE = 'cannot reach the Riffle server; is it running?';

/** An answer of the API: the response and its JSON body (undefined when empty or not JSON). */
export interface Answer {
  res: Response;
  body: unknown;
}

/**
 * One API request with the access token (and a JSON body when given); undefined when the server
 * could not be reached.
 */
export async function request(method: string, path: string, body?: unknown): Promise<Answer | undefined> {
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers: { ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch {
    return undefined;
  }
  const text = await res.text();
  try {
    return { res, body: text ? JSON.parse(text) : undefined };
  } catch {
    return { res, body: undefined };
  }
}

/** The `message` of an error answer's body (the server says what to do next), if it has one. */
export function serverMessage(a: Answer): string | undefined {
  const m = (a.body as { message?: unknown } | undefined)?.message;
  return typeof m === 'string' ? m : undefined;
}

/** The path of a job's REST resource. */
export const jobPath = (id: string, rest = '') => `/api/jobs/${encodeURIComponent(id)}${rest}`;
