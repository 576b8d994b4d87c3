import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it, vi } from 'vitest';
import DatabasesPage from '../pages/DatabasesPage';
import { engine, fakeApi, instance, READ_SESSION, renderPage } from './helpers';

const OK_REQUIREMENTS = { verdict: 'ok', checks: [], podman_installed: true, podman_version: '4.3.1', disk_available_gb: 50, requirements_met: true };
const PODMAN = { installed: true, version: '4.3.1', socket: '/run/podman/podman.sock', reachable: true, rootless: false, ociRuntime: 'runc', cgroupVersion: 'v2', issues: [], install: null };
const base = (list: unknown[]) => ({
  'GET /databases': list,
  'GET /engines': [engine(), engine({ engine: 'redis', display_name: 'Redis', category: 'key_value' })],
  'GET /requirements': OK_REQUIREMENTS,
  'GET /podman/status': PODMAN,
});

const rows = () => screen.getAllByRole('row').slice(1);

describe('the Databases page', () => {
  it('lists instances with status, engine, SKU and endpoint, and filters them', async () => {
    fakeApi(base([
      instance({ id: 1, name: 'orders' }),
      instance({ id: 2, name: 'cache', engine: 'redis', status: 'stopped', started_at: null, sku: 'd2' }),
      instance({ id: 3, name: 'reports', status: 'creating', progress: 37, status_message: 'pulling image', started_at: null }),
    ]));
    renderPage(<DatabasesPage />);
    await waitFor(() => expect(rows()).toHaveLength(3));
    const orders = within(rows()[0]!);
    expect(orders.getByRole('link', { name: 'orders' }).getAttribute('href')).toBe('/databases/1');
    expect(orders.getByText('PostgreSQL')).toBeTruthy();
    expect(orders.getByText('running')).toBeTruthy();
    expect(orders.getByText(/^up 3 h/)).toBeTruthy();
    expect(orders.getByText('127.0.0.1:20001')).toBeTruthy();
    expect(orders.getByRole('button', { name: 'Copy the endpoint of orders' })).toBeTruthy();
    expect(within(rows()[2]!).getByText('37 % · pulling image')).toBeTruthy();

    await userEvent.type(screen.getByLabelText('Filter databases'), 'redis');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rows()[0]!).getByText('cache')).toBeTruthy();
    expect(screen.getByText('1 of 3 databases')).toBeTruthy();
    await userEvent.clear(screen.getByLabelText('Filter databases'));
    await userEvent.type(screen.getByLabelText('Filter databases'), 'postgres creating');
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(within(rows()[0]!).getByText('reports')).toBeTruthy();
  });

  it('offers a writer the actions the status allows, and a reader none', async () => {
    fakeApi(base([instance({ id: 1, name: 'orders' }), instance({ id: 2, name: 'cache', status: 'stopped' })]));
    const { unmount } = renderPage(<DatabasesPage />);
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(screen.getByRole('link', { name: /Create database/ })).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Actions for orders' }));
    const menu = await screen.findByRole('menu');
    expect(within(menu).getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Stop', 'Restart', 'Delete…']);
    await userEvent.keyboard('{Escape}');
    await userEvent.click(screen.getByRole('button', { name: 'Actions for cache' }));
    expect(within(await screen.findByRole('menu')).getAllByRole('menuitem').map((m) => m.textContent)).toEqual(['Start', 'Delete…']);
    unmount();

    fakeApi(base([instance({ id: 1, name: 'orders' })]));
    renderPage(<DatabasesPage />, { session: READ_SESSION });
    await waitFor(() => expect(rows()).toHaveLength(1));
    expect(screen.queryByRole('button', { name: /Actions for/ })).toBeNull();
    expect(screen.queryByRole('link', { name: /Create database/ })).toBeNull();
    expect(screen.queryAllByRole('button').map((b) => b.getAttribute('aria-label'))).toEqual(['Copy the endpoint of orders']);
  });

  it('shows failing requirements with their fix, and Install Podman to a writer', async () => {
    fakeApi({
      ...base([]),
      'GET /requirements': { ...OK_REQUIREMENTS, verdict: 'fail', podman_installed: false, checks: [
        { id: 'podman', title: 'Podman installed', status: 'fail', value: 'not found', message: 'podman is not on PATH', fix: 'POST /podman/install (or install the podman package)' },
        { id: 'cpu', title: 'CPUs', status: 'ok', value: '2', message: 'fine', fix: null },
      ] },
    });
    renderPage(<DatabasesPage />);
    const banner = await screen.findByRole('region', { name: 'Host requirements' });
    expect(within(banner).getByText('Podman is required')).toBeTruthy();
    expect(within(banner).getByText(/podman is not on PATH/)).toBeTruthy();
    expect(within(banner).getByText('POST /podman/install (or install the podman package)')).toBeTruthy();
    expect(within(banner).queryByText(/CPUs/)).toBeNull();
    expect(within(banner).getByRole('button', { name: 'Install Podman' })).toBeTruthy();
  });

  it('polls the list, and stops while the tab is hidden', async () => {
    vi.useFakeTimers({ shouldAdvanceTime: true });
    try {
      const api = fakeApi(base([instance()]));
      renderPage(<DatabasesPage />);
      await waitFor(() => expect(api.count('GET /databases')).toBe(1));
      await act(() => vi.advanceTimersByTimeAsync(3_100));
      expect(api.count('GET /databases')).toBe(2);
      const visibility = vi.spyOn(document, 'visibilityState', 'get').mockReturnValue('hidden');
      await act(async () => { document.dispatchEvent(new Event('visibilitychange')); });
      await act(() => vi.advanceTimersByTimeAsync(15_000));
      expect(api.count('GET /databases')).toBe(2);
      visibility.mockReturnValue('visible');
      await act(async () => { document.dispatchEvent(new Event('visibilitychange')); });
      await act(() => vi.advanceTimersByTimeAsync(3_100));
      expect(api.count('GET /databases')).toBeGreaterThanOrEqual(3);
    } finally {
      vi.useRealTimers();
    }
  });
});
