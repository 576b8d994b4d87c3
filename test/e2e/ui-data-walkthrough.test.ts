import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot, signInPage } from './helpers/browser.js';
import { ADMIN, READER, startUiHost, type UiHost } from './helpers/ui-host.js';

const run = promisify(execFile);
const name = `e2e-pgd-${randomBytes(3).toString('hex')}`;
/** Every control a read session must not be offered, on the data, backup, user and settings tabs too (an export is a read). */
const WRITE_CONTROL = /^(Create|Start|Stop|Restart|Delete|Take|Restore|Drill|Run a drill|Cancel|Save|Remove|Clone|Import|Rotate|Issue|Replace)/;

let host: UiHost;
let browser: Browser;
let page: Page;
let id: number;
let conn: { host: string; port: number; database: string; username: string; password: string };

/** psql as a given user (the password through PGPASSWORD, never argv). */
function psql(sql: string, user = conn.username, password = conn.password) {
  return run('psql', ['-h', conn.host, '-p', String(conn.port), '-U', user, '-d', conn.database, '-tAc', sql], {
    env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' },
  }).then(({ stdout }) => stdout.trim());
}

async function openTab(p: Page, label: string) {
  await p.getByRole('tab', { name: label }).click();
  await p.getByRole('tabpanel').waitFor();
}

beforeAll(async () => {
  host = await startUiHost();
  const created = await host.api('POST', '/databases', { engine: 'postgresql', name, sku: 'b1', version: '15' });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  id = created.body.instance.id;
  await host.waitFor(id, ['running']);
  conn = (await host.api('GET', `/databases/${id}/connection-string`)).body;
  await psql("create table e2e_items (id int primary key, note text); insert into e2e_items values (1, 'one'), (2, 'two'), (3, null)");
  browser = await launchChromium();
  page = await signInPage(await browser.newContext({ viewport: { width: 1280, height: 800 } }), host.url, ADMIN);
  await page.goto(`${host.url}/databases/${id}`);
  await page.getByRole('heading', { level: 1 }).getByText('running', { exact: true }).waitFor();
});
afterAll(async () => {
  if (id) await host?.api('DELETE', `/databases/${id}`);
  await browser?.close();
  await host?.close();
});

describe('the instance\'s data in Chromium against the real host, Podman and PostgreSQL', () => {
  it('draws the metrics chart with points', async () => {
    await openTab(page, 'Metrics');
    await page.getByLabel('Latest figures').waitFor({ timeout: 60_000 });
    const chart = page.getByRole('figure', { name: /over the range, [1-9]\d* points$/ }).first();
    await chart.waitFor({ timeout: 60_000 });
    await expect.poll(() => chart.locator('.recharts-line-curve, .recharts-line-dots circle').count(), { timeout: 30_000 }).toBeGreaterThan(0);
    await expectAccessible(page, 'the Metrics tab');
    await screenshot(page, '15-metrics');
  });

  it('browses the table psql wrote: its columns and rows', async () => {
    await openTab(page, 'Data');
    await page.getByRole('button', { name: 'public.e2e_items' }).click();
    await page.getByText('Rows 1–3').waitFor();
    const rows = page.getByRole('tabpanel').locator('table').last();
    expect(await rows.getByRole('cell', { name: 'two', exact: true }).count()).toBe(1);
    expect(await rows.getByText('NULL', { exact: true }).count()).toBe(1);
    await page.getByText('PK', { exact: true }).waitFor();
    await expectAccessible(page, 'the Data tab');
    await screenshot(page, '16-data');
  });

  it('takes a snapshot and restores it: a row written after it is gone', async () => {
    await openTab(page, 'Backups');
    await page.getByRole('button', { name: 'Take a snapshot' }).click();
    const table = page.getByRole('table', { name: 'Snapshots' });
    await table.getByText('completed', { exact: true }).first().waitFor({ timeout: 120_000 });
    const sid = (await host.api('GET', `/databases/${id}/snapshots`)).body.snapshots[0].id;
    await expectAccessible(page, 'the Backups tab');
    await screenshot(page, '17-backups');
    await psql("insert into e2e_items values (4, 'after the snapshot')");

    await page.getByRole('button', { name: `Restore snapshot-${sid}` }).click();
    const dialog = page.getByRole('alertdialog');
    const confirm = dialog.getByRole('button', { name: 'Restore', exact: true });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type .* to confirm/).fill(name);
    await expectAccessible(page, 'the restore dialog');
    await screenshot(page, '18-restore');
    await confirm.click();
    await dialog.waitFor({ state: 'hidden' });
    await expect.poll(async () => (await host.api('GET', `/databases/${id}/backups`)).body.operations.find((o: { type: string }) => o.type === 'restore')?.status, { timeout: 180_000, interval: 1000 }).toBe('completed');
    await page.getByRole('heading', { level: 1 }).getByText('running', { exact: true }).waitFor({ timeout: 60_000 });
    expect(await psql('select count(*) from e2e_items')).toBe('3');
    // The safety snapshot the restore took first is listed.
    await table.getByText('safety (before a restore)', { exact: false }).first().waitFor();
  });

  it('adds a read-only user whose password is shown once; it reads and cannot write', async () => {
    await openTab(page, 'Users');
    await page.getByLabel('User name').fill('e2e_viewer');
    await page.getByRole('button', { name: 'Create the user' }).click();
    const password = (await page.getByTestId('new-password').textContent())!;
    expect(password.length).toBeGreaterThanOrEqual(12);
    await page.getByRole('table', { name: 'Users' }).getByText('e2e_viewer', { exact: true }).waitFor();
    expect(await psql('select count(*) from e2e_items', 'e2e_viewer', password)).toBe('3');
    await expect(psql("insert into e2e_items values (9, 'no')", 'e2e_viewer', password)).rejects.toThrow(/permission denied/);
    await expectAccessible(page, 'the Users tab');
    await screenshot(page, '19-users');
  });

  it('rotates the admin password; psql connects with the new one, not the old', async () => {
    await openTab(page, 'Settings');
    await page.getByRole('button', { name: 'Rotate the admin password' }).click();
    const fresh = (await page.getByTestId('new-password').textContent())!;
    expect(fresh).not.toBe(conn.password);
    expect(await psql('select 1', conn.username, fresh)).toBe('1');
    await expect(psql('select 1')).rejects.toThrow(/password authentication failed/);
    await expectAccessible(page, 'the Settings tab');
    await screenshot(page, '20-settings');
    conn = { ...conn, password: fresh };
  });

  it('the Audit tab lists what this session did; the Health tab\'s alert rules and the TLS tab pass axe-core', async () => {
    await openTab(page, 'Audit');
    const records = page.getByRole('table', { name: 'Audit records' });
    for (const action of ['databases.credentials.rotate', 'databases.users.create', 'databases.restore', 'databases.snapshot']) {
      await records.getByText(action, { exact: true }).first().waitFor();
    }
    expect(await records.getByText(/^session:/).count()).toBeGreaterThan(0);
    expect(await records.textContent()).not.toContain(conn.password);
    await expectAccessible(page, 'the Audit tab');
    await screenshot(page, '22-audit');
    await openTab(page, 'Health');
    await page.getByRole('table', { name: 'Alert rules' }).waitFor();
    await expectAccessible(page, 'the Health tab with its alert rules');
    await openTab(page, 'TLS');
    await page.getByText('This instance was created without TLS.').waitFor();
    await expectAccessible(page, 'the TLS tab');
  });

  it('a read-token session sees the snapshots and users, and no write control on any tab', async () => {
    const reader = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await signInPage(reader, host.url, READER);
      await p.goto(`${host.url}/databases/${id}`);
      const writeControls = async () => [
        ...(await p.getByRole('button', { name: WRITE_CONTROL }).allTextContents()),
        ...(await p.getByRole('link', { name: WRITE_CONTROL }).allTextContents()),
      ];
      for (const [tab, ready] of [['Backups', 'Snapshots'], ['Users', 'Users'], ['Data', null], ['Settings', null]] as const) {
        await p.getByRole('tab', { name: tab }).click();
        if (ready) await p.getByRole('table', { name: ready }).waitFor();
        else await p.getByRole('tabpanel').waitFor();
        expect(await writeControls(), `write controls on ${tab}`).toEqual([]);
      }
      await p.getByRole('tab', { name: 'Backups' }).click();
      await p.getByRole('table', { name: 'Snapshots' }).getByText('completed', { exact: true }).first().waitFor();
      await expectAccessible(p, 'the Backups tab, read session');
      await screenshot(p, '21-read-backups');
      const res = await reader.request.post(`${host.url}/api/modules/databases/databases/${id}/snapshot`, { headers: { 'x-csrf-token': 'x' } });
      expect(res.status()).toBe(403);
      // What it offers a reader works for one: the export link downloads the zip.
      const href = (await p.getByRole('link', { name: /^Export snapshot-\d+ as a zip$/ }).first().getAttribute('href'))!;
      const zip = await reader.request.get(`${host.url}${href}`);
      expect(zip.status()).toBe(200);
      expect((await zip.body()).subarray(0, 2).toString('latin1')).toBe('PK');
    } finally {
      await reader.close();
    }
  });

  it('deletes it from the Settings tab after the name is typed', async () => {
    await page.getByRole('tab', { name: 'Settings' }).click();
    await page.getByRole('button', { name: `Delete ${name}` }).click();
    const dialog = page.getByRole('alertdialog');
    await dialog.getByLabel(/Type .* to confirm/).fill(name);
    await dialog.getByRole('button', { name: 'Delete with its data' }).click();
    await page.waitForURL(`${host.url}/`);
    await expect.poll(async () => (await host.api('GET', `/databases/${id}`)).status).toBe(404);
    id = 0;
  });
});
