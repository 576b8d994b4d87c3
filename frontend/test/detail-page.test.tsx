import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { stepStates, CreateProgress } from '../components/instances/create-progress';
import { routeWorks } from '../lib/route-support';
import DatabaseDetailPage from '../pages/DatabaseDetailPage';
import { engine, fakeApi, instance, READ_SESSION, renderPage } from './helpers';

const M = '/api/modules/databases';
const ok = { responses: { 200: {}, 400: {} } };
const announced = { responses: { 400: {}, 501: {} } };
const DOC = { paths: {
  [`${M}/databases/{id}/connection-string`]: { get: ok },
  [`${M}/databases/{id}/health`]: { get: ok },
  [`${M}/databases/{id}/logs`]: { get: ok },
  [`${M}/databases/{id}/inspect`]: { get: ok },
  [`${M}/databases/{id}/snapshots`]: { get: announced },
} };
const CONNECTION = { engine: 'postgresql', host: '127.0.0.1', port: 20001, database: 'app', username: 'quick_fox_1', connection_string: 'postgresql://quick_fox_1@127.0.0.1:20001/app' };

describe('which routes work', () => {
  it('counts a route only with a success answer in the served document', () => {
    expect(routeWorks(DOC as never, 'GET /databases/{id}/health')).toBe(true);
    expect(routeWorks(DOC as never, 'GET /databases/{id}/snapshots')).toBe(false);
    expect(routeWorks(DOC as never, 'GET /audit')).toBe(false);
    expect(routeWorks(undefined, 'GET /databases/{id}/health')).toBe(false);
  });
});

describe('the instance page', () => {
  it('shows the tabs whose routes work, the connection without password to a reader, and no action', async () => {
    fakeApi({
      'GET /databases/1': instance({ id: 1, name: 'orders' }), 'GET /engines': [engine()], 'GET /openapi.json': DOC,
      'GET /databases/1/connection-string': CONNECTION,
    });
    renderPage(<DatabaseDetailPage id={1} />, { session: READ_SESSION, path: '/databases/1' });
    const tabs = await screen.findByRole('tablist', { name: 'Instance sections' });
    await waitFor(() => expect(within(tabs).getAllByRole('tab')).toHaveLength(4));
    // Radix draws each label twice (one copy hidden by its CSS, which jsdom does not load).
    for (const name of ['Overview', 'Health', 'Logs', 'Container']) expect(within(tabs).getByRole('tab', { name: new RegExp(`^${name}`) })).toBeTruthy();
    expect(await screen.findByText('127.0.0.1:20001')).toBeTruthy();
    expect(screen.queryByText('Password')).toBeNull();
    expect(screen.getByText(/The password is shown to sessions that may manage the instance/)).toBeTruthy();
    expect(screen.queryByRole('button', { name: /^(Start|Stop|Restart|Delete)$/ })).toBeNull();
  });

  it('gives a writer the password masked until shown, and the actions the status allows', async () => {
    fakeApi({
      'GET /databases/1': instance({ id: 1, name: 'orders' }), 'GET /engines': [engine()], 'GET /openapi.json': DOC,
      'GET /databases/1/connection-string': { ...CONNECTION, password: 's3cret-pw', connection_string: 'postgresql://quick_fox_1:s3cret-pw@127.0.0.1:20001/app' },
    });
    renderPage(<DatabaseDetailPage id={1} />, { path: '/databases/1' });
    await screen.findByText('Password');
    expect(screen.queryByText(/s3cret-pw/)).toBeNull();
    expect(screen.getByText('postgresql://quick_fox_1:••••@127.0.0.1:20001/app')).toBeTruthy();
    await userEvent.click(screen.getByRole('button', { name: 'Show the password' }));
    expect(screen.getByText('s3cret-pw')).toBeTruthy();
    expect(screen.getAllByRole('button').map((b) => b.textContent).filter((t) => /^(Start|Stop|Restart|Delete)$/.test(t ?? ''))).toEqual(['Stop', 'Restart', 'Delete']);
  });

  it('adds a feature\'s tab once its route works and the engine has it', async () => {
    const served = { paths: { ...DOC.paths,
      [`${M}/databases/{id}/snapshots`]: { get: ok }, [`${M}/databases/{id}/users`]: { get: ok },
      [`${M}/databases/{id}/credentials/rotate`]: { post: ok }, [`${M}/databases/{id}/metrics`]: { get: ok }, [`${M}/databases/{id}/tables`]: { get: ok },
    } };
    fakeApi({
      'GET /databases/1': instance({ id: 1 }), 'GET /openapi.json': served, 'GET /databases/1/connection-string': CONNECTION,
      // Databases but no users: the Users tab still shows (for the inner databases); no backup, no browse.
      'GET /engines': [engine({ supports_databases: true })],
    });
    renderPage(<DatabaseDetailPage id={1} />, { path: '/databases/1' });
    const tabs = await screen.findByRole('tablist', { name: 'Instance sections' });
    await waitFor(() => expect(within(tabs).getAllByRole('tab')).toHaveLength(7));
    expect(within(tabs).getAllByRole('tab').map((t) => t.textContent?.slice(0, t.textContent.length / 2))).toEqual(['Overview', 'Health', 'Metrics', 'Users', 'Logs', 'Settings', 'Container']);
  });

  it('shows the create step by step, with the pull\'s bytes', async () => {
    const pulling = instance({
      id: 2, name: 'fresh', status: 'creating', progress: 36, status_message: 'pulling image', started_at: null,
      pull_progress: { image: 'docker.io/library/postgres:17', state: 'pulling', layers_done: 3, layers_total: 9, bytes_done: 52_428_800, bytes_total: 157_286_400, percent: 33, started_at: '2026-01-01T00:00:00Z', finished_at: null, digest: null, error_code: null, error: null },
    });
    renderPage(<CreateProgress instance={pulling} />);
    expect(stepStates(pulling)).toEqual(['done', 'current', 'pending', 'pending', 'pending', 'pending']);
    expect(screen.getByText(/50.0 MiB of 150 MiB · 3\/9 layers · 33 %/)).toBeTruthy();
    expect(stepStates({ progress: 70, status: 'failed' })).toEqual(['done', 'done', 'done', 'done', 'failed', 'pending']);
    expect(stepStates({ progress: 100, status: 'running' })).toEqual(['done', 'done', 'done', 'done', 'done', 'done']);
  });
});
