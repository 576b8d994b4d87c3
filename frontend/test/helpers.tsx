import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { Theme } from '@radix-ui/themes';
import { render } from '@testing-library/react';
import type { ReactElement } from 'react';
import { vi } from 'vitest';
import { Router } from 'wouter';
import { memoryLocation } from 'wouter/memory-location';
import { setCsrfToken } from '../lib/api';
import type { EngineView, InstanceView, SessionView } from '../types/api';

export type Handler = (req: { method: string; url: URL; body: unknown; headers: Record<string, string> }) => { status?: number; body?: unknown } | unknown;

export interface FakeApi {
  calls: { method: string; path: string; query: string; body: unknown; headers: Record<string, string> }[];
  /** Calls to one "METHOD /path" (path under the module's mount, or /api/session). */
  count(route: string): number;
}

/**
 * Replaces fetch with answers by "METHOD /path" (the module's routes without their mount, or
 * /api/session). An unknown route answers 404 like the module does, so a test sees what it forgot.
 */
export function fakeApi(routes: Record<string, Handler | unknown>): FakeApi {
  const calls: FakeApi['calls'] = [];
  vi.stubGlobal('fetch', vi.fn(async (input: string, init: RequestInit = {}) => {
    const url = new URL(input, 'http://ui.test');
    const method = init.method ?? 'GET';
    const path = url.pathname.replace(/^\/api\/modules\/databases/, '');
    const headers = (init.headers ?? {}) as Record<string, string>;
    const body = typeof init.body === 'string' ? JSON.parse(init.body) : undefined;
    calls.push({ method, path, query: url.search, body, headers });
    const route = routes[`${method} ${path}`];
    const answer = typeof route === 'function' ? (route as Handler)({ method, url, body, headers }) : route;
    const wrapped = answer !== null && typeof answer === 'object' && 'status' in (answer as object) && 'body' in (answer as object)
      ? answer as { status: number; body: unknown } : route === undefined
        ? { status: 404, body: { error: 'NOT_FOUND', message: `no route ${method} ${path}` } } : { status: 200, body: answer };
    return new Response(JSON.stringify(wrapped.body ?? null), { status: wrapped.status, headers: { 'content-type': 'application/json' } });
  }));
  return { calls, count: (route) => calls.filter((c) => `${c.method} ${c.path}` === route).length };
}

export const ADMIN_SESSION: SessionView = { role: 'admin', permissions: ['databases:read', 'databases:write'], csrf_token: 'csrf-1', expires_at: '2030-01-01T00:00:00.000Z' };
export const READ_SESSION: SessionView = { role: 'read', permissions: ['databases:read'], csrf_token: 'csrf-2', expires_at: '2030-01-01T00:00:00.000Z' };

/** Renders `ui` with a fresh query client, the theme, a router at `path` and an established session. */
export function renderPage(ui: ReactElement, { session = ADMIN_SESSION as SessionView | null, path = '/' } = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false }, mutations: { retry: false } } });
  client.setQueryData(['session'], session);
  setCsrfToken(session?.csrf_token ?? null);
  const location = memoryLocation({ path, record: true });
  const result = render(
    <QueryClientProvider client={client}>
      <Theme><Router hook={location.hook} searchHook={location.searchHook}>{ui}</Router></Theme>
    </QueryClientProvider>,
  );
  return { ...result, client, location };
}

export function instance(overrides: Partial<InstanceView> = {}): InstanceView {
  const id = overrides.id ?? 1;
  return {
    id, name: `db-${id}`, container_name: `db-db-${id}`, container_id: `c${id}`, engine: 'postgresql', engine_version: '15',
    image: 'localhost/flux-standin-postgresql:15', image_digest: null, pull_progress: null, host: '127.0.0.1', port: 20000 + id,
    database: 'app', username: 'quick_fox_1', status: 'running', status_message: 'ready', progress: 100, error_message: null,
    sku: 'b1', cpu_limit: 0.5, memory_limit_mb: 1024, storage_limit_gb: 10,
    storage: { limit_bytes: 10 * 2 ** 30, used_bytes: 50 * 2 ** 20, percent: 0.5, level: 'ok', checked_at: '2026-01-01T00:00:00.000Z', message: null },
    limits_enforced: { memory: true, cpu: true, pids: true, storage: 'monitored' },
    external_access: false, tls_enabled: false, vnet_name: null, vnet_ip: null, volume_path: '/data/db',
    created_at: '2026-01-01T00:00:00.000Z', updated_at: '2026-01-01T00:00:00.000Z', started_at: new Date(Date.now() - 3 * 3600_000).toISOString(),
    ...overrides,
  };
}

export function engine(overrides: Partial<EngineView> = {}): EngineView {
  return {
    engine: 'postgresql', display_name: 'PostgreSQL', description: 'relational', category: 'relational', default_image: 'docker.io/library/postgres',
    default_version: '17', image: 'docker.io/library/postgres:17', versions: ['15', '16', '17'], default_port: 5432,
    ports: [{ name: 'postgres', container_port: 5432, primary: true }],
    supports_databases: false, supports_users: false, supports_backup: false, supports_restore: false, supports_metrics: false, supports_tls: true, supports_browse: false,
    is_embedded: false, has_authentication: true, unsupported: {}, min_memory_mb: 256, min_cpus: 0.25, fixed_username: null,
    ...overrides,
  };
}
