/**
 * The Databases page with 500 instances, in Debian's Chromium: the host (on the fake runtime, so
 * 500 creates take seconds) is seeded with 500 running instances through POST /databases, and the
 * built UI is measured in rounds, interleaved with a baseline in the same browser:
 *   render  from the list answer's last byte (Resource Timing) to 500 rows on screen (next frame);
 *   filter  from typing a character that leaves 50 rows to those rows on screen, and back to 500;
 *   busy    the longest main-thread task and the total blocking time (>50 ms parts) over 10 s of
 *           live polling with 500 rows: does the page stay responsive while it refreshes?
 * Baseline: the same answer drawn as a plain table by hand-written DOM code (createElement per
 * cell, no framework), and filtered by toggling each row's display.
 *   npx tsx bench/ui-databases-500.ts          BENCH_ROUNDS=7 npx tsx bench/ui-databases-500.ts
 */
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { ensureUiBuilt } from '../host/ui-build.js';
import { launchChromium } from '../test/e2e/helpers/browser.js';
import { fakeHost } from '../test/fakes/fake-host.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const COUNT = Number(process.env.BENCH_COUNT ?? 500);
const ADMIN = 'admin-token-for-fake-host-0123456789';

async function seed(api: Awaited<ReturnType<typeof fakeHost>>['api']): Promise<void> {
  const engines = ['postgresql', 'redis', 'mariadb', 'valkey', 'clickhouse'];
  for (let i = 0; i < COUNT; i += 25) {
    await Promise.all(Array.from({ length: Math.min(25, COUNT - i) }, async (_, k) => {
      const n = i + k;
      const res = await api('POST', '/databases', { engine: engines[n % engines.length], name: `bench-${String(n).padStart(3, '0')}`, sku: 'b1' });
      if (res.status !== 202) throw new Error(`create ${n}: ${res.status} ${JSON.stringify(res.json)}`);
    }));
  }
}

/** Rows left by the filters the bench types: bench-0 (100 of 500) and bench-00 (10 of 500). */
function counts(total: number) {
  const left = (prefix: string) => Array.from({ length: total }, (_, n) => `bench-${String(n).padStart(3, '0')}`).filter((x) => x.startsWith(prefix)).length;
  return { wide: left('bench-0'), narrow: left('bench-00'), all: total };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** The UI: sign in once per round (fresh page), wait for 500 rows, then filter to 50 and back. */
async function measureUi(page: Page, url: string) {
  await page.goto(`${url}/`);
  await page.waitForFunction((n) => document.querySelectorAll('.instance-row').length === n, COUNT, { polling: 'raf', timeout: 60_000 });
  const render = await page.evaluate(() => new Promise<number>((resolve, reject) => requestAnimationFrame(() => {
    const list = performance.getEntriesByType('resource').filter((e) => e.name.endsWith('/api/modules/databases/databases')) as PerformanceResourceTiming[];
    if (!list[0]) reject(new Error(`no timing for the list; saw ${performance.getEntriesByType('resource').map((e) => e.name).join(', ')}`));
    else resolve(performance.now() - list[0].responseEnd);
  })));
  const filter = await page.evaluate(async (counts) => {
    const input = document.querySelector<HTMLInputElement>('input[type=search]')!;
    const setValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    const until = (n: number) => new Promise<void>((resolve) => {
      const check = () => (document.querySelectorAll('.instance-row').length === n ? requestAnimationFrame(() => resolve()) : requestAnimationFrame(check));
      check();
    });
    const type = async (value: string, rows: number) => {
      const t0 = performance.now();
      setValue.call(input, value);
      input.dispatchEvent(new Event('input', { bubbles: true }));
      await until(rows);
      return performance.now() - t0;
    };
    // With 500: bench-0 leaves 100 rows, bench-00 leaves 10 (bench-000 … bench-009).
    await type('bench-0', counts.wide);
    const narrow = await type('bench-00', counts.narrow);
    await type('bench-0', counts.wide);
    const widen = await type('', counts.all);
    return { narrow, widen };
  }, counts(COUNT));
  return { render, ...filter };
}

/** The baseline: the same JSON as a plain table built by hand, filtered by hiding rows. */
async function measureBaseline(page: Page, url: string) {
  await page.goto(`${url}/api/session`);
  return page.evaluate(async (n) => {
    const res = await fetch('/api/modules/databases/databases');
    const rows = (await res.json()) as { id: number; name: string; engine: string; engine_version: string; status: string; sku: string; cpu_limit: number; memory_limit_mb: number; host: string; port: number | null; created_at: string }[];
    const t0 = performance.now();
    document.body.innerHTML = '';
    const input = document.createElement('input');
    const table = document.createElement('table');
    const body = document.createElement('tbody');
    for (const r of rows) {
      const tr = document.createElement('tr');
      tr.className = 'instance-row';
      for (const text of [`${r.name} Created ${r.created_at}`, `${r.engine} ${r.engine_version}`, r.status, `${r.sku} ${r.cpu_limit} vCPU · ${r.memory_limit_mb} MB`, `${r.host}:${r.port}`]) {
        const td = document.createElement('td');
        td.textContent = text;
        tr.appendChild(td);
      }
      const copy = document.createElement('button');
      copy.textContent = 'copy';
      tr.appendChild(copy);
      body.appendChild(tr);
    }
    table.appendChild(body);
    document.body.append(input, table);
    // Force the layout the UI's figure includes too (its rows are on screen, laid out, when it stops).
    void table.offsetHeight;
    await new Promise((r) => requestAnimationFrame(r));
    const render = performance.now() - t0;
    if (body.children.length !== n) throw new Error('baseline rows');
    const filterTo = async (needle: string) => {
      const t = performance.now();
      rows.forEach((r, i) => { (body.children[i] as HTMLElement).style.display = !needle || r.name.includes(needle) ? '' : 'none'; });
      void table.offsetHeight;
      await new Promise((res) => requestAnimationFrame(res));
      return performance.now() - t;
    };
    const narrow = await filterTo('bench-00');
    const widen = await filterTo('');
    return { render, narrow, widen };
  }, COUNT);
}

/** Long tasks over 10 s of the page polling 500 rows (3 s interval): the longest, and the blocking time past 50 ms each. */
async function measureBusy(page: Page, url: string) {
  await page.goto(`${url}/`);
  await page.waitForFunction((n) => document.querySelectorAll('.instance-row').length === n, COUNT, { polling: 'raf', timeout: 60_000 });
  return page.evaluate(() => new Promise<{ longest: number; blocking: number; tasks: number }>((resolve) => {
    const tasks: number[] = [];
    const observer = new PerformanceObserver((list) => { for (const e of list.getEntries()) tasks.push(e.duration); });
    observer.observe({ type: 'longtask' });
    setTimeout(() => {
      observer.disconnect();
      resolve({ longest: Math.max(0, ...tasks), blocking: tasks.reduce((s, d) => s + Math.max(0, d - 50), 0), tasks: tasks.length });
    }, 10_000);
  }));
}

await ensureUiBuilt({ log: (l) => console.error(`[ui] ${l}`) });
const host = await fakeHost({ env: { FLUX_DATABASES_PORT_RANGE: '40000-40999' } });
const started = Date.now();
await seed(host.api);
await host.app.listen({ host: '127.0.0.1', port: 0 });
const url = `http://127.0.0.1:${(host.app.server.address() as AddressInfo).port}`;
console.error(`[bench] seeded ${COUNT} instances in ${((Date.now() - started) / 1000).toFixed(1)} s`);

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
  // tsx names every function it compiles with a __name helper; the functions sent to the page need one too.
  await context.addInitScript('window.__name = (f) => f');
  const signIn = await context.request.post(`${url}/api/session`, { data: { token: ADMIN } });
  if (!signIn.ok()) throw new Error(`sign-in: ${signIn.status()}`);
  const page = await context.newPage();
  // The machine is shared: a slow load is measured, not a reason to give up.
  page.setDefaultTimeout(180_000);
  const ui: Awaited<ReturnType<typeof measureUi>>[] = [];
  const base: Awaited<ReturnType<typeof measureBaseline>>[] = [];
  await measureUi(page, url); // warm-up: caches, JIT
  for (let r = 0; r < ROUNDS; r++) {
    // Interleaved, alternating which goes first: both see the same moments of a noisy machine.
    if (r % 2 === 0) { ui.push(await measureUi(page, url)); base.push(await measureBaseline(page, url)); }
    else { base.push(await measureBaseline(page, url)); ui.push(await measureUi(page, url)); }
  }
  const busy = await measureBusy(page, url);
  const row = (label: string, key: 'render' | 'narrow' | 'widen') => {
    const u = median(ui.map((x) => x[key]));
    const b = median(base.map((x) => x[key]));
    const perRound = median(ui.map((x, i) => x[key] / base[i]![key]));
    console.log(`  ${label.padEnd(26)} UI ${u.toFixed(1).padStart(7)} ms   baseline ${b.toFixed(1).padStart(6)} ms   ratio ${(u / b).toFixed(2)} (median of rounds ${perRound.toFixed(2)})`);
  };
  console.log(`Databases page, ${COUNT} instances, Chromium, ${ROUNDS} rounds (medians)`);
  row(`render ${COUNT} rows`, 'render');
  row(`filter -> ${counts(COUNT).narrow} rows`, 'narrow');
  row(`clear filter -> ${COUNT} rows`, 'widen');
  console.log(`  while polling for 10 s: ${busy.tasks} long tasks, longest ${busy.longest.toFixed(0)} ms, blocking ${busy.blocking.toFixed(0)} ms`);
} finally {
  await browser.close();
  await host.close();
}
