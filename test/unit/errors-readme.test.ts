import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/errors.js';

/** The README's "## Errors" section: one table row per code, `| \`CODE\` | status | meaning |`. */
async function readmeErrors(): Promise<Map<string, { status: number; meaning: string }>> {
  const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
  const start = readme.indexOf('\n## Errors\n');
  expect(start, 'README has an "## Errors" section').toBeGreaterThan(-1);
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  const rows = new Map<string, { status: number; meaning: string }>();
  for (const m of section.matchAll(/^\|\s*`([A-Z_]+)`\s*\|\s*(\d{3})\s*\|\s*(.+?)\s*\|\s*$/gm)) {
    expect(rows.has(m[1]!), `${m[1]} is listed once`).toBe(false);
    rows.set(m[1]!, { status: Number(m[2]), meaning: m[3]! });
  }
  return rows;
}

describe('the error catalogue in the README', () => {
  it('lists every code of ERROR_CATALOGUE with its status, and no other', async () => {
    const rows = await readmeErrors();
    const catalogue = Object.entries(ERROR_CATALOGUE);
    expect([...rows.keys()].sort()).toEqual(catalogue.map(([code]) => code).sort());
    for (const [code, { status }] of catalogue) expect(rows.get(code)?.status, code).toBe(status);
    for (const [code, { meaning }] of rows) expect(meaning.length, `${code} says what it means`).toBeGreaterThan(10);
  });
});
