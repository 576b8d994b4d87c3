import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of each run (gitignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../screenshots/', import.meta.url));

/**
 * Debian's Chromium, headless, with the flags that keep it off the network on this machine (no
 * background networking, component updates, sync or QUIC; it would try, and be refused, at start).
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A new page of `context`, signed in at the host's sign-in form with `token`, on the Databases page. */
export async function signInPage(context: BrowserContext, hostUrl: string, token: string): Promise<Page> {
  const p = await context.newPage();
  p.setDefaultTimeout(30_000);
  await p.goto(`${hostUrl}/`);
  await p.getByLabel('API token').fill(token);
  await p.getByRole('button', { name: 'Sign in' }).click();
  await p.getByRole('heading', { name: 'Databases', exact: true }).waitFor();
  return p;
}

export async function screenshot(page: Page, name: string): Promise<void> {
  await mkdir(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}

/**
 * axe-core on the page as it is now: no serious or critical violation. The engine is evaluated
 * through the DevTools protocol, which the page's CSP (scripts from 'self' only) does not govern.
 * With a modal open, only the modal is checked: the page behind it is inert and dimmed on purpose.
 * Finite animations (a dialog's fade-in) end first, so the page is judged as it is read.
 */
export async function expectAccessible(page: Page, where: string): Promise<void> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axe.source);
  // A dialog fades in: mid-animation its text is part-transparent, and its contrast is not what anyone reads.
  await page.evaluate(() => Promise.all(document.getAnimations().filter((a) => a.effect?.getTiming().iterations !== Infinity).map((a) => a.finished.catch(() => undefined))));
  const violations = await page.evaluate(async () => {
    const modal = document.querySelector('[role=dialog][aria-modal=true], [role=alertdialog]');
    const result = await (window as unknown as { axe: typeof axe }).axe.run(modal ?? document, { resultTypes: ['violations'] });
    return result.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  });
  expect(violations, `axe-core on ${where}`).toEqual([]);
}
