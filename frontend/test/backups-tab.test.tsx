import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import BackupsTab from '../components/backups/backups-tab';
import type { SnapshotView } from '../types/api';
import { engine, fakeApi, instance, READ_SESSION, renderPage } from './helpers';

const snap = (id: number, over: Partial<SnapshotView> = {}): SnapshotView => ({
  id, instance_id: 1, status: 'completed', kind: 'manual', engine: 'postgresql', engine_version: '15', tool: 'pg_dump -Fc', format: 'custom',
  size_bytes: 4096, stored_bytes: 4200, sha256: 'ab', figures: { low: { 'public.t': 3 }, high: { 'public.t': 3 } }, error_message: null,
  created_at: '2026-01-01T00:00:00.000Z', started_at: '2026-01-01T00:00:00.000Z', finished_at: '2026-01-01T00:00:02.000Z', duration_ms: 2000,
  drill: { status: null, at: null, message: null }, ...over,
});
const PG = engine({ supports_backup: true, supports_restore: true });
const base = {
  'GET /databases/1/backups': { operations: [{ id: 9, type: 'drill', status: 'failed', snapshot_id: 2, tool: 'pg_restore', error_message: 'relation missing', started_at: '2026-01-01T00:01:00.000Z', finished_at: null, duration_ms: 1500 }] },
  'GET /databases/1/backup-policy': { policy: null, next_run_at: null },
};

describe('the backups tab', () => {
  it('lists snapshots with size, tool and drill; takes one; restores after the instance name is typed', async () => {
    const api = fakeApi({
      ...base,
      'GET /databases/1/snapshots': { snapshots: [snap(2, { drill: { status: 'failed', at: '2026-01-01T00:01:00.000Z', message: 'relation missing' } }), snap(1)] },
      'POST /databases/1/snapshot': { status: 202, body: { message: 'Snapshot started', snapshot: snap(3, { status: 'running' }) } },
      'POST /databases/1/restore/1': { status: 202, body: { message: 'Restore started', snapshot: snap(1) } },
    });
    renderPage(<BackupsTab instance={instance({ id: 1, name: 'orders' })} engine={PG} canWrite />);
    const table = await screen.findByRole('table', { name: 'Snapshots' });
    expect(within(table).getByText('snapshot-2')).toBeTruthy();
    expect(within(table).getByText('drill failed')).toBeTruthy();
    expect(within(table).getAllByText('4.0 KiB')).toHaveLength(2);
    expect(within(table).getByRole('link', { name: 'Export snapshot-1 as a zip' }).getAttribute('href')).toBe('/api/modules/databases/databases/1/export?snapshot_id=1');
    expect(within(await screen.findByRole('table', { name: 'Backup operations' })).getByText('relation missing')).toBeTruthy();

    await userEvent.click(screen.getByRole('button', { name: 'Take a snapshot' }));
    await waitFor(() => expect(api.count('POST /databases/1/snapshot')).toBe(1));
    expect(api.calls.find((c) => c.method === 'POST')!.headers['x-csrf-token']).toBe('csrf-1');

    await userEvent.click(screen.getByRole('button', { name: 'Restore snapshot-1' }));
    const dialog = await screen.findByRole('alertdialog');
    const confirm = within(dialog).getByRole('button', { name: 'Restore' }) as HTMLButtonElement;
    expect(confirm.disabled).toBe(true);
    await userEvent.type(within(dialog).getByLabelText(/Type orders to confirm/), 'orders');
    await userEvent.click(confirm);
    await waitFor(() => expect(api.count('POST /databases/1/restore/1')).toBe(1));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
  });

  it('deletes a snapshot only after its label is typed, and shows the API\'s refusal in the dialog', async () => {
    const api = fakeApi({
      ...base, 'GET /databases/1/snapshots': { snapshots: [snap(1)] },
      'DELETE /databases/1/snapshots/1': { status: 409, body: { error: 'INSTANCE_BUSY', message: 'a restore of orders is under way' } },
    });
    renderPage(<BackupsTab instance={instance({ id: 1, name: 'orders' })} engine={PG} canWrite />);
    await userEvent.click(await screen.findByRole('button', { name: 'Delete snapshot-1' }));
    const dialog = await screen.findByRole('alertdialog');
    await userEvent.type(within(dialog).getByLabelText(/Type snapshot-1 to confirm/), 'snapshot-1{Enter}');
    expect((await within(dialog).findByRole('alert')).textContent).toContain('a restore of orders is under way');
    expect(api.count('DELETE /databases/1/snapshots/1')).toBe(1);
  });

  it('saves a policy with its schedule, retention and drill flag', async () => {
    const api = fakeApi({
      ...base, 'GET /databases/1/snapshots': { snapshots: [snap(1)] },
      'PUT /databases/1/backup-policy': ({ body }: { body: unknown }) => ({ policy: body, next_run_at: '2026-01-02T03:00:00.000Z' }),
    });
    renderPage(<BackupsTab instance={instance({ id: 1, name: 'orders' })} engine={PG} canWrite />);
    const schedule = await screen.findByLabelText('Schedule (cron, 5 or 6 fields)');
    await userEvent.clear(schedule);
    await userEvent.type(schedule, '30 2 * * *');
    await userEvent.clear(screen.getByLabelText('Keep the newest'));
    await userEvent.type(screen.getByLabelText('Keep the newest'), '3');
    await userEvent.click(screen.getByRole('checkbox', { name: /restore drill on each scheduled/ }));
    await userEvent.click(screen.getByRole('button', { name: 'Save the policy' }));
    await waitFor(() => expect(api.count('PUT /databases/1/backup-policy')).toBe(1));
    expect(api.calls.find((c) => c.method === 'PUT')!.body).toEqual({ schedule: '30 2 * * *', keep_last: 3, keep_daily: 7, keep_weekly: 4, keep_monthly: 3, verify: true });
    expect(await screen.findByText(/Next run/)).toBeTruthy();
  });

  it('a reader sees snapshots and the policy, may export, and has no button', async () => {
    fakeApi({
      ...base, 'GET /databases/1/snapshots': { snapshots: [snap(1)] },
      'GET /databases/1/backup-policy': { policy: { schedule: '0 3 * * *', keep_last: 7, keep_daily: 7, keep_weekly: 4, keep_monthly: 3, verify: false }, next_run_at: '2026-01-02T03:00:00.000Z' },
    });
    renderPage(<BackupsTab instance={instance({ id: 1 })} engine={PG} canWrite={false} />, { session: READ_SESSION });
    await screen.findByRole('table', { name: 'Snapshots' });
    expect(await screen.findByText('0 3 * * *')).toBeTruthy();
    expect(screen.queryAllByRole('button')).toEqual([]);
    // GET /export needs only the read permission: a reader downloads, and changes nothing.
    expect(screen.getByRole('link', { name: 'Export snapshot-1 as a zip' })).toBeTruthy();
  });
});
