import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { AuditCard } from '../components/audit/audit-card';
import TlsTab from '../components/security/tls-tab';
import type { AuditRecordView, InstanceTlsView } from '../types/security';
import { engine, fakeApi, instance, READ_SESSION, renderPage } from './helpers';

const record = (id: number, over: Partial<AuditRecordView> = {}): AuditRecordView => ({
  id, at: '2026-01-01T00:00:00.000Z', actor: 'session:admin:ab12', source: 'api', action: 'databases.create', instance_id: 4,
  params: { engine: 'postgresql', password: '[redacted]' }, outcome: 'succeeded', status: 202, error_code: null, address: '127.0.0.1',
  method: 'POST', route: '/databases', request_id: 'r1', ...over,
});
const TLS: InstanceTlsView = {
  enabled: true, origin: 'module', subject: 'CN=orders', issuer: 'CN=Flux Databases CA', sans: ['DNS:localhost', 'IP Address:127.0.0.1'],
  not_before: '2026-01-01T00:00:00.000Z', not_after: '2027-01-01T00:00:00.000Z', fingerprint_sha256: 'AB:CD', serial: '01', certificate: '-----BEGIN CERTIFICATE-----',
};

describe('the audit trail', () => {
  it('lists who did what with the outcome, secrets as the API redacted them, and filters by action', async () => {
    const api = fakeApi({
      'GET /audit': ({ url }: { url: URL }) => (url.searchParams.get('action') === 'databases.delete'
        ? [record(2, { action: 'databases.delete', outcome: 'failed', status: 409, error_code: 'INSTANCE_BUSY', params: {} })]
        : [record(1)]),
    });
    renderPage(<AuditCard instanceId={null} />);
    const table = await screen.findByRole('table', { name: 'Audit records' });
    expect(within(table).getByText('databases.create')).toBeTruthy();
    expect(within(table).getByText('session:admin:ab12')).toBeTruthy();
    expect(within(table).getByText(/password=\[redacted\]/)).toBeTruthy();
    expect(within(table).getByRole('link', { name: '#4' }).getAttribute('href')).toBe('/databases/4');
    await userEvent.type(screen.getByLabelText(/^Action/), 'databases.delete');
    expect(await screen.findByText('409 INSTANCE_BUSY')).toBeTruthy();
    await waitFor(() => expect(api.calls.at(-1)!.query).toBe('?action=databases.delete&limit=200'));
  });

  it('asks for one instance\'s records on its page', async () => {
    const api = fakeApi({ 'GET /audit': [] });
    renderPage(<AuditCard instanceId={4} />);
    expect(await screen.findByText('No record.')).toBeTruthy();
    expect(api.calls[0]!.query).toBe('?instance=4&limit=200');
  });
});

describe('the TLS tab', () => {
  it('shows the served certificate and has the module\'s CA issue a new one', async () => {
    const api = fakeApi({
      'GET /databases/1/tls': TLS,
      'PUT /databases/1/tls': { tls: { ...TLS, serial: '02' }, applied: 'reloaded' },
    });
    renderPage(<TlsTab instance={instance({ id: 1, tls_enabled: true })} engine={engine()} canWrite />);
    expect(await screen.findByText('DNS:localhost, IP Address:127.0.0.1')).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Download the module\'s CA certificate' }).getAttribute('href')).toBe('/api/modules/databases/tls/ca');
    expect((screen.getByRole('button', { name: 'Replace with these files' }) as HTMLButtonElement).disabled).toBe(true);
    await userEvent.click(screen.getByRole('button', { name: 'Issue a new one from the module\'s CA' }));
    expect(await screen.findByText('Replaced: the engine re-read its files.')).toBeTruthy();
    expect(api.calls.find((c) => c.method === 'PUT')!.body).toEqual({});
  });

  it('sends the operator\'s files base64-encoded, and shows the API\'s refusal', async () => {
    const api = fakeApi({ 'GET /databases/1/tls': TLS, 'PUT /databases/1/tls': { status: 400, body: { error: 'VALIDATION_FAILED', message: 'the key does not match the certificate' } } });
    renderPage(<TlsTab instance={instance({ id: 1, tls_enabled: true })} engine={engine()} canWrite />);
    await userEvent.upload(await screen.findByLabelText(/^Certificate/), new File(['CERT-PEM'], 'c.pem'));
    await userEvent.upload(screen.getByLabelText(/^Private key/), new File(['KEY-PEM'], 'k.pem'));
    await userEvent.click(screen.getByRole('button', { name: 'Replace with these files' }));
    expect((await screen.findByRole('alert')).textContent).toContain('the key does not match the certificate');
    expect(api.calls.find((c) => c.method === 'PUT')!.body).toEqual({ tls_cert: btoa('CERT-PEM'), tls_key: btoa('KEY-PEM') });
  });

  it('a reader sees the certificate and no button', async () => {
    fakeApi({ 'GET /databases/1/tls': TLS });
    renderPage(<TlsTab instance={instance({ id: 1, tls_enabled: true })} engine={engine()} canWrite={false} />, { session: READ_SESSION });
    await screen.findByText('AB:CD');
    expect(screen.queryAllByRole('button')).toEqual([]);
  });
});
