import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import UsersTab from '../components/accounts/users-tab';
import SettingsTab from '../components/settings/settings-tab';
import type { UsersView } from '../types/api';
import { engine, fakeApi, instance, READ_SESSION, renderPage } from './helpers';

const USERS: UsersView = {
  users: [
    { username: 'quick_fox_1', role: 'admin', databases: ['app'], keys: [], instance_admin: true, reserved: true, in_engine: true, in_module: true, created_at: null },
    { username: 'report', role: 'readonly', databases: ['app'], keys: [], instance_admin: false, reserved: false, in_engine: true, in_module: true, created_at: '2026-01-01T00:00:00.000Z' },
    { username: 'legacy', role: null, databases: [], keys: [], instance_admin: false, reserved: false, in_engine: true, in_module: false, created_at: null },
    { username: 'pg_monitor', role: null, databases: [], keys: [], instance_admin: false, reserved: true, in_engine: true, in_module: false, created_at: null },
  ],
  drift: { engine_only: ['legacy'], module_only: [] },
};
const PG = engine({ supports_users: true, supports_databases: true });
const DBS = { databases: [{ name: 'app', instance_database: true, system: false, in_engine: true, in_module: true, created_at: null }, { name: 'reports', instance_database: false, system: false, in_engine: true, in_module: true, created_at: null }], drift: { engine_only: [], module_only: [] } };

describe('the users tab', () => {
  it('lists the engine\'s users with the drift; creates a read-only user and shows its generated password once', async () => {
    const api = fakeApi({
      'GET /databases/1/users': USERS, 'GET /databases/1/databases': DBS,
      'POST /databases/1/users': { status: 201, body: { username: 'viewer', role: 'readonly', databases: ['app'], keys: [], password: 'Gen3rated-Pw-123' } },
    });
    renderPage(<UsersTab instance={instance({ id: 1 })} engine={PG} canWrite />);
    const table = await screen.findByRole('table', { name: 'Users' });
    expect(within(table).getByText('instance admin')).toBeTruthy();
    expect(within(table).getByText('not created here')).toBeTruthy();
    // The admin is never offered a delete here.
    expect(screen.queryByRole('button', { name: 'Delete the user quick_fox_1' })).toBeNull();
    expect(screen.getByText(/In the engine only: legacy/)).toBeTruthy();
    // The engine's own roles are folded apart from the table.
    expect(within(table).queryByText('pg_monitor')).toBeNull();
    expect(screen.getByText('1 role of the engine itself')).toBeTruthy();
    await userEvent.type(screen.getByLabelText('User name'), 'viewer');
    await userEvent.click(screen.getByRole('button', { name: 'Create the user' }));
    await waitFor(() => expect(api.count('POST /databases/1/users')).toBe(1));
    expect(api.calls.find((c) => c.method === 'POST')!.body).toEqual({ username: 'viewer', role: 'readonly' });
    expect((await screen.findByTestId('new-password')).textContent).toBe('Gen3rated-Pw-123');
  });

  it('rotates a user\'s password, drops an inner database after its name is typed', async () => {
    const api = fakeApi({
      'GET /databases/1/users': USERS, 'GET /databases/1/databases': DBS,
      'POST /databases/1/credentials/rotate': { username: 'report', instance_admin: false, password: 'N3w-Password-456', rotated_at: '2026-01-01T00:00:00.000Z', grace_until: null },
      'DELETE /databases/1/databases/reports': { name: 'reports', dropped: true },
    });
    renderPage(<UsersTab instance={instance({ id: 1 })} engine={PG} canWrite />);
    await userEvent.click(await screen.findByRole('button', { name: 'Rotate the password of report' }));
    expect((await screen.findByTestId('new-password')).textContent).toBe('N3w-Password-456');
    expect(api.calls.find((c) => c.path.endsWith('/rotate'))!.body).toEqual({ username: 'report' });
    // The instance's own database cannot be dropped here.
    expect(screen.queryByRole('button', { name: 'Delete the database app' })).toBeNull();
    await userEvent.click(screen.getByRole('button', { name: 'Delete the database reports' }));
    const dialog = await screen.findByRole('alertdialog');
    await userEvent.type(within(dialog).getByLabelText(/Type reports to confirm/), 'reports{Enter}');
    await waitFor(() => expect(api.count('DELETE /databases/1/databases/reports')).toBe(1));
    expect(api.calls.find((c) => c.method === 'DELETE')!.query).toBe('?confirm=reports');
  });

  it('gives a reader the lists and no control', async () => {
    fakeApi({ 'GET /databases/1/users': USERS, 'GET /databases/1/databases': DBS });
    renderPage(<UsersTab instance={instance({ id: 1 })} engine={PG} canWrite={false} />, { session: READ_SESSION });
    await screen.findByRole('table', { name: 'Users' });
    await screen.findByRole('table', { name: 'Databases' });
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.queryByRole('textbox')).toBeNull();
  });
});

describe('the settings tab', () => {
  it('rotates the admin password: the new one shows once, and the API\'s refusal shows where it was asked', async () => {
    let refuse = true;
    const api = fakeApi({
      'POST /databases/1/credentials/rotate': () => (refuse
        ? { status: 409, body: { error: 'INSTANCE_NOT_RUNNING', message: 'orders is stopped: start it first' } }
        : { username: 'quick_fox_1', instance_admin: true, password: 'Adm1n-New-Password', rotated_at: '2026-01-01T00:00:00.000Z', grace_until: null }),
    });
    renderPage(<SettingsTab instance={instance({ id: 1, name: 'orders' })} engine={engine()} canWrite />);
    await userEvent.click(screen.getByRole('button', { name: 'Rotate the admin password' }));
    expect((await screen.findByRole('alert')).textContent).toContain('orders is stopped: start it first');
    refuse = false;
    await userEvent.click(screen.getByRole('button', { name: 'Rotate the admin password' }));
    expect((await screen.findByTestId('new-password')).textContent).toBe('Adm1n-New-Password');
    expect(api.calls.at(-1)!.body).toEqual({});
    expect(screen.getByRole('button', { name: 'Delete orders' })).toBeTruthy();
  });

  it('offers a reader nothing', () => {
    fakeApi({});
    renderPage(<SettingsTab instance={instance({ id: 1 })} engine={engine()} canWrite={false} />, { session: READ_SESSION });
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});
