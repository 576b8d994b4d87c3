/** Where the module's routes are mounted, and where the host answers for the browser session. */
export const API_BASE = '/api/modules/databases';
export const SESSION_URL = '/api/session';

/** An answer of the API that was not a success: its status, the catalogue code and its message. */
export class ApiError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly body?: unknown) {
    super(message);
    this.name = 'ApiError';
  }
}

let csrfToken: string | null = null;
/** The session's CSRF token, sent with every write (the cookie alone never authorises one). */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when an answer says the session is gone (401), so the page can ask to sign in again. */
let onSignedOut: (() => void) | null = null;
export function onUnauthorized(handler: (() => void) | null): void {
  onSignedOut = handler;
}

const WRITE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  body?: unknown;
  /** A file sent as it is (application/octet-stream), e.g. a dump to import; instead of `body`. */
  raw?: Blob;
  query?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal;
}

function urlOf(path: string, query?: RequestOptions['query']): string {
  const url = path.startsWith('/api/') ? path : `${API_BASE}${path}`;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== '') params.set(k, String(v));
  const qs = params.toString();
  return qs ? `${url}?${qs}` : url;
}

async function errorOf(res: Response): Promise<ApiError> {
  const text = await res.text();
  let body: unknown;
  try { body = JSON.parse(text); } catch { body = undefined; }
  const b = body as { error?: string; message?: string } | undefined;
  return new ApiError(res.status, b?.error ?? `HTTP_${res.status}`, b?.message ?? (text.slice(0, 200) || res.statusText), body);
}

/** Calls the API with the session cookie; a write carries the CSRF token. Throws ApiError on a non-2xx answer. */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (options.raw !== undefined) headers['content-type'] = 'application/octet-stream';
  if (WRITE.has(method) && csrfToken) headers['x-csrf-token'] = csrfToken;
  const res = await fetch(urlOf(path, options.query), {
    method, headers, credentials: 'same-origin', signal: options.signal,
    body: options.raw ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  if (!res.ok) {
    const err = await errorOf(res);
    if (res.status === 401 && path !== SESSION_URL) onSignedOut?.();
    throw err;
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  return (type.includes('json') ? await res.json() : await res.text()) as T;
}

/** The message to show for a failed call: the API's own when it gave one. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof Error) return err.message;
  return String(err);
}
