import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import CreateDatabasePage from '../pages/CreateDatabasePage';
import { engine, fakeApi, instance, renderPage } from './helpers';

const SKUS = {
  default: 'd2',
  skus: [
    { id: 'b1', name: 'B1', series: 'B', cpus: 0.5, memory_mb: 1024, storage_gb: 10, recommended: false },
    { id: 'd2', name: 'D2', series: 'D', cpus: 2, memory_mb: 4096, storage_gb: 50, recommended: true },
    { id: 'd4', name: 'D4', series: 'D', cpus: 4, memory_mb: 8192, storage_gb: 100, recommended: false },
  ],
  series: [
    { series: 'B', title: 'Burstable', frontend_series: 'burstable', use_case: 'Low CPU priority', podman: { cpuShares: 512 }, podman_flags: ['--cpu-shares=512'] },
    { series: 'D', title: 'General Purpose', frontend_series: 'general', use_case: 'Balanced', podman: { cpuShares: 1024 }, podman_flags: ['--cpu-shares=1024'] },
    { series: 'custom', title: 'Custom', frontend_series: 'custom', use_case: 'Exact', podman: { cpuShares: 1024 }, podman_flags: [] },
  ],
  custom: { min: { memory_mb: 512, cpus: 0.5, storage_gb: 1 }, max: { memory_mb: 65536, cpus: 32, storage_gb: 1000 } },
  storage_note: 'storage is monitored',
};
const HOST = {
  cpu: { model: 'test', count: 2 }, cpu_count: 2, memory: { total_mb: 24000, available_mb: 16000 },
  disk: { path: '/data', total_bytes: 1, free_bytes: 1, total_gb: 100, free_gb: 50 }, load_average: [0, 0, 0], kernel: '6', platform: 'linux/x64',
};
const routes = (post: (body: unknown) => unknown) => ({
  'GET /engines': [engine(), engine({ engine: 'janusgraph', display_name: 'JanusGraph', category: 'graph', has_authentication: false, supports_tls: false })],
  'GET /skus': SKUS,
  'GET /system-info': HOST,
  'GET /openapi.json': { paths: { '/api/modules/databases/databases': { post: { requestBody: { content: { 'application/json': { schema: { properties: { name: { pattern: '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' } } } } } } } } } },
  'POST /databases': ({ body }: { body: unknown }) => post(body),
});

describe('the Create page', () => {
  it('disables sizes the host cannot give, with the reason, and creates with the chosen SKU', async () => {
    let sent: unknown;
    fakeApi(routes((body) => { sent = body; return { status: 202, body: { id: 9, name: 'orders', container_name: 'db-orders', status: 'creating', message: 'ok', instance: instance({ id: 9, name: 'orders', status: 'creating', progress: 0 }) } }; }));
    const { location } = renderPage(<CreateDatabasePage />, { path: '/create' });
    const d4 = await screen.findByRole('radio', { name: /D4/ });
    expect((d4 as HTMLButtonElement).disabled).toBe(true);
    expect(d4.closest('[role=radio]')!.textContent).toContain('needs 4 vCPU; this host has 2');
    expect((screen.getByRole('radio', { name: /D2/ }) as HTMLButtonElement).getAttribute('aria-checked')).toBe('true');
    await userEvent.click(screen.getByRole('radio', { name: /B1/ }));
    await userEvent.type(screen.getByLabelText('Instance name (optional)'), 'orders');
    expect(screen.getByLabelText('Instance name (optional)').getAttribute('pattern')).toBe('^[a-z][a-z0-9]*(-[a-z0-9]+)*$');
    await userEvent.click(screen.getByRole('button', { name: 'Create PostgreSQL' }));
    await waitFor(() => expect(sent).toEqual({ engine: 'postgresql', sku: 'b1', name: 'orders' }));
    await waitFor(() => expect(location.history?.at(-1)).toBe('/databases/9'));
  });

  it('warns about external access, sends custom sizes, and keeps an open engine off the network', async () => {
    let sent: unknown;
    fakeApi(routes((body) => { sent = body; return { status: 400, body: { error: 'BAD_REQUEST', message: 'custom SKU memory must be between 512 and 65536 MB, got 100' } }; }));
    renderPage(<CreateDatabasePage />, { path: '/create' });
    await userEvent.click(await screen.findByRole('checkbox', { name: /Allow access from other hosts/ }));
    expect(screen.getByText(/will answer on every address of this host/)).toBeTruthy();
    expect(screen.getByRole('heading', { name: 'TLS' })).toBeTruthy();
    await userEvent.click(screen.getByRole('radio', { name: /Custom/ }));
    const memory = screen.getByLabelText('Memory (MB)');
    await userEvent.clear(memory);
    await userEvent.type(memory, '2048');
    await userEvent.click(screen.getByRole('button', { name: 'Create PostgreSQL' }));
    await waitFor(() => expect(sent).toEqual({ engine: 'postgresql', sku: 'custom', memory_limit_mb: 2048, cpu_limit: 1, storage_limit_gb: 10, external_access: true }));
    expect((await screen.findByRole('alert')).textContent).toContain('custom SKU memory must be between 512 and 65536 MB');

    const graph = screen.getByRole('radiogroup', { name: 'Graph' });
    await userEvent.click(within(graph).getByRole('radio', { name: 'JanusGraph' }));
    expect((screen.getByRole('checkbox', { name: /Allow access from other hosts/ }) as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByLabelText('Virtual network (optional)') as HTMLInputElement).disabled).toBe(true);
    expect(screen.queryByRole('heading', { name: 'TLS' })).toBeNull();
  });
});
