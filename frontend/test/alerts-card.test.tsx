import { screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import userEvent from '@testing-library/user-event';
import { AlertRulesCard } from '../components/health/alert-rules-card';
import { AlertsCard } from '../components/health/alerts-card';
import type { AlertView } from '../types/api';
import { fakeApi, renderPage } from './helpers';

const M = '/api/modules/databases';
const alert = (id: number, over: Partial<AlertView>): AlertView => ({
  id, instance_id: 1, instance_name: 'orders', engine: 'postgresql', sku: 'b1', rule: 'disk_warning', severity: 'warning', state: 'resolved',
  value: 81, threshold: 80, message: 'disk 81 % of 10 GiB', fired_at: '2026-01-01T00:00:00.000Z', resolved_at: '2026-01-01T01:00:00.000Z',
  resolved_message: 'disk 70 %', delivery: {}, ...over,
});

describe('the alerts card', () => {
  it('lists the instance\'s alerts, firing first, with the webhook\'s delivery', async () => {
    const api = fakeApi({
      'GET /openapi.json': { paths: { [`${M}/alerts`]: { get: { responses: { 200: {} } } } } },
      'GET /alerts': [
        alert(1, {}),
        alert(2, { rule: 'unhealthy', severity: 'critical', state: 'firing', message: 'the engine did not answer 3 checks', resolved_at: null, resolved_message: null,
          delivery: { fired: { state: 'failed', attempts: 5, last_status: 500, last_error: 'HTTP 500', last_attempt_at: null, next_attempt_at: null, delivered_at: null } } }),
      ],
    });
    renderPage(<AlertsCard instanceId={1} />);
    const rows = within(await screen.findByRole('table', { name: 'Alerts' })).getAllByRole('row').slice(1);
    expect(rows[0]!.textContent).toContain('unhealthy');
    expect(rows[0]!.textContent).toContain('firing');
    expect(rows[0]!.textContent).toContain('webhook failed after 5 attempts: HTTP 500');
    expect(rows[1]!.textContent).toContain('disk 81 % of 10 GiB — disk 70 %');
    expect(rows[1]!.textContent).toContain('no webhook');
    expect(api.calls.find((c) => c.path === '/alerts')!.query).toBe('?instance=1&limit=50');
  });

  it('is absent while the module does not serve alerts', async () => {
    const api = fakeApi({ 'GET /openapi.json': { paths: {} } });
    renderPage(<AlertsCard instanceId={1} />);
    await waitFor(() => expect(api.count('GET /openapi.json')).toBe(1));
    await new Promise((r) => setTimeout(r, 50));
    expect(screen.queryByText('Alerts')).toBeNull();
    expect(api.count('GET /alerts')).toBe(0);
  });
});

describe('the alert rules card', () => {
  const RULES = {
    instance_id: 1, overrides: {},
    rules: [
      { rule: 'unhealthy', enabled: true, severity: 'critical', threshold: null, default_threshold: null, overridden: false, description: 'the engine stops answering' },
      { rule: 'disk_warning', enabled: true, severity: 'warning', threshold: 80, default_threshold: 80, overridden: false, description: 'the volume fills up' },
    ],
  };
  const served = { paths: { [`${M}/databases/{id}/alert-rules`]: { get: { responses: { 200: {} } }, put: { responses: { 200: {} } } } } };

  it('sends only what differs from the defaults, and {} to restore them', async () => {
    const api = fakeApi({ 'GET /openapi.json': served, 'GET /databases/1/alert-rules': RULES, 'PUT /databases/1/alert-rules': RULES });
    renderPage(<AlertRulesCard instanceId={1} canWrite />);
    await userEvent.click(await screen.findByRole('checkbox', { name: 'Alert on unhealthy' }));
    const threshold = screen.getByLabelText('Threshold of disk warning (percent)');
    await userEvent.clear(threshold);
    await userEvent.type(threshold, '90');
    await userEvent.click(screen.getByRole('button', { name: 'Save the rules' }));
    await waitFor(() => expect(api.count('PUT /databases/1/alert-rules')).toBe(1));
    expect(api.calls.find((c) => c.method === 'PUT')!.body).toEqual({ unhealthy: { enabled: false }, disk_warning: { threshold: 90 } });
    await userEvent.click(screen.getByRole('button', { name: 'Restore the defaults' }));
    await waitFor(() => expect(api.count('PUT /databases/1/alert-rules')).toBe(2));
    expect(api.calls.filter((c) => c.method === 'PUT')[1]!.body).toEqual({});
  });

  it('shows a reader the rules and no control', async () => {
    fakeApi({ 'GET /openapi.json': served, 'GET /databases/1/alert-rules': RULES });
    renderPage(<AlertRulesCard instanceId={1} canWrite={false} />);
    expect(await screen.findByText('80 %')).toBeTruthy();
    expect(screen.queryAllByRole('button')).toEqual([]);
    expect(screen.queryAllByRole('checkbox')).toEqual([]);
  });
});
