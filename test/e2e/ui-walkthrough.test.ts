import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectAccessible, launchChromium, screenshot, signInPage } from './helpers/browser.js';
import { ADMIN, READER, startUiHost, type UiHost } from './helpers/ui-host.js';

const run = promisify(execFile);
const name = `e2e-pg-${randomBytes(3).toString('hex')}`;
/** Every control a read session must not be offered. */
const WRITE_CONTROL = /^(Create|Start|Stop|Restart|Delete|Install|Run the install|Pull|Reconcile|Remove|Actions for)/;

let host: UiHost;
let browser: Browser;
let admin: BrowserContext;
let page: Page;
let instanceId: number | null = null;
const nav = (p: Page, label: string) => p.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label });

beforeAll(async () => {
  host = await startUiHost();
  browser = await launchChromium();
  admin = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  await admin.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: host.url });
});
afterAll(async () => {
  if (instanceId !== null) await host?.api('DELETE', `/databases/${instanceId}`);
  await browser?.close();
  await host?.close();
});

describe('the UI in Chromium against the real host and Podman', () => {
  it('signs in with the admin token; the session is a cookie scripts cannot read', async () => {
    const p = await admin.newPage();
    await p.goto(`${host.url}/`);
    await p.getByLabel('API token').waitFor();
    await expectAccessible(p, 'the sign-in page');
    await screenshot(p, '01-sign-in');
    await p.close();
    page = await signInPage(admin, host.url, ADMIN);
    const cookies = await admin.cookies();
    expect(cookies.map((c) => [c.name, c.httpOnly, c.sameSite])).toEqual([['flux_session', true, 'Strict']]);
    expect(cookies[0]!.value).not.toContain(ADMIN);
    expect(await page.evaluate(() => document.cookie)).toBe('');
    expect(await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }))).not.toContain(ADMIN);
    await expectAccessible(page, 'the empty Databases page');
  });

  it('creates a PostgreSQL from the form and watches it reach running', async () => {
    await page.getByRole('link', { name: 'Create database' }).first().click();
    await page.getByRole('heading', { name: 'Create a database' }).waitFor();
    await page.getByRole('radio', { name: /^B1/ }).waitFor();
    await expectAccessible(page, 'the Create page');
    await screenshot(page, '02-create');
    await page.getByRole('radio', { name: 'PostgreSQL', exact: true }).click();
    await page.getByLabel('Instance name (optional)').fill(name);
    await page.getByRole('combobox', { name: 'Version' }).click();
    await page.getByRole('option', { name: '15', exact: true }).click();
    await page.getByRole('radio', { name: /^B1/ }).click();
    await page.getByRole('button', { name: 'Create PostgreSQL' }).click();
    await page.waitForURL(/\/databases\/\d+$/);
    instanceId = Number(new URL(page.url()).pathname.split('/').pop());
    await page.getByRole('heading', { name: `Creating ${name}` }).waitFor();
    await screenshot(page, '03-creating');
    await page.getByRole('heading', { level: 1 }).getByText('running', { exact: true }).waitFor({ timeout: 240_000 });
    expect((await host.api('GET', `/databases/${instanceId}`)).body.status).toBe('running');
  });

  it('shows the connection details; what it copies connects with psql', async () => {
    const endpoint = page.getByText(/^127\.0\.0\.1:33\d{3}$/).first();
    await endpoint.waitFor();
    const shown = await endpoint.textContent();
    await page.getByRole('button', { name: 'Copy the endpoint', exact: true }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shown);
    await expect.poll(() => page.getByText('••••••••••••').count()).toBeGreaterThan(0);
    await page.getByRole('button', { name: 'Copy the connection string' }).click();
    const uri = await page.evaluate(() => navigator.clipboard.readText());
    expect(uri).toMatch(/^postgres(ql)?:\/\//);
    const { stdout } = await run('psql', [uri, '-tAc', 'select 1']);
    expect(stdout.trim()).toBe('1');
    await expectAccessible(page, 'the instance overview');
    await screenshot(page, '04-overview');
  });

  it('reads its health, logs and container facts', async () => {
    await page.getByRole('tab', { name: 'Health' }).click();
    await page.getByRole('tabpanel').getByText('healthy', { exact: true }).first().waitFor({ timeout: 60_000 });
    await page.getByText('Uptime 24 h').waitFor();
    await page.getByText(/^last check /).waitFor();
    await expectAccessible(page, 'the Health tab');
    await screenshot(page, '05-health');
    await page.getByRole('tab', { name: 'Logs' }).click();
    await page.getByRole('log', { name: 'Log lines' }).locator('.log-line').first().waitFor();
    await expectAccessible(page, 'the Logs tab');
    await screenshot(page, '06-logs');
    await page.getByRole('tab', { name: 'Container' }).click();
    await page.getByRole('heading', { name: 'Hardening' }).waitFor();
    await expectAccessible(page, 'the Container tab');
    await screenshot(page, '07-container');
  });

  it('lists it with its status and endpoint; the System page; a narrow window and the dark theme', async () => {
    await nav(page, 'Databases').click();
    const row = page.getByRole('row').filter({ hasText: name });
    await row.getByText('running', { exact: true }).waitFor();
    await row.getByText(/^up /).waitFor();
    await expectAccessible(page, 'the Databases page');
    await screenshot(page, '08-databases');
    await nav(page, 'System').click();
    await page.getByRole('heading', { name: 'Engine images' }).waitFor();
    await page.getByText('localhost/flux-standin-postgresql', { exact: false }).first().waitFor();
    await expectAccessible(page, 'the System page');
    await screenshot(page, '09-system');
    await nav(page, 'Databases').click();
    await page.setViewportSize({ width: 390, height: 844 });
    await row.waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    await screenshot(page, '10-databases-narrow');
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.getByRole('button', { name: 'Switch to the dark theme' }).click();
    await expectAccessible(page, 'the Databases page, dark');
    await screenshot(page, '11-databases-dark');
    await page.getByRole('button', { name: 'Switch to the light theme' }).click();
  });

  it('a read-token session sees the instance and is offered no write control', async () => {
    const reader = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    try {
      const p = await signInPage(reader, host.url, READER);
      await p.getByRole('row').filter({ hasText: name }).waitFor();
      await p.getByText('read only').waitFor();
      const writeControls = async () => [
        ...(await p.getByRole('button', { name: WRITE_CONTROL }).allTextContents()),
        ...(await p.getByRole('link', { name: WRITE_CONTROL }).allTextContents()),
      ];
      expect(await writeControls()).toEqual([]);
      await expectAccessible(p, 'the Databases page, read session');
      await screenshot(p, '12-read-databases');
      await p.getByRole('link', { name, exact: true }).click();
      await p.getByRole('heading', { name: 'Connection' }).waitFor();
      await p.getByText(/The password is shown to sessions that may manage/).waitFor();
      expect(await p.getByText('Password', { exact: true }).count()).toBe(0);
      expect(await writeControls()).toEqual([]);
      await screenshot(p, '13-read-overview');
      await nav(p, 'System').click();
      await p.getByRole('heading', { name: 'Engine images' }).waitFor();
      await p.getByText('localhost/flux-standin-postgresql', { exact: false }).first().waitFor();
      expect(await writeControls()).toEqual([]);
      // What the page does not offer, the host refuses too.
      const res = await reader.request.post(`${host.url}/api/modules/databases/databases/${instanceId}/stop`, { headers: { 'x-csrf-token': 'x' } });
      expect(res.status()).toBe(403);
    } finally {
      await reader.close();
    }
  });

  it('deletes it after the name is typed, and signs out', async () => {
    const { container_name: container } = (await host.api('GET', `/databases/${instanceId}`)).body;
    await page.getByRole('link', { name, exact: true }).click();
    await page.getByRole('button', { name: 'Delete', exact: true }).click();
    const dialog = page.getByRole('alertdialog');
    await expectAccessible(page, 'the delete dialog');
    await screenshot(page, '14-delete');
    const confirm = dialog.getByRole('button', { name: 'Delete with its data' });
    expect(await confirm.isDisabled()).toBe(true);
    await dialog.getByLabel(/Type .* to confirm/).fill(name);
    await expectAccessible(page, 'the delete dialog, confirm enabled');
    await confirm.click();
    await page.waitForURL(`${host.url}/`);
    await expect.poll(() => page.getByRole('row').filter({ hasText: name }).count()).toBe(0);
    expect((await host.api('GET', `/databases/${instanceId}`)).status).toBe(404);
    const exists = await run('podman', ['container', 'exists', container]).then(() => true, () => false);
    expect(exists, `container ${container} after the delete`).toBe(false);
    instanceId = null;

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByLabel('API token').waitFor();
    expect((await admin.request.get(`${host.url}/api/session`)).status()).toBe(401);
  });
});
