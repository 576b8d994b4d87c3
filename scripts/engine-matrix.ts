/**
 * Writes docs/engine-matrix.md and the README's engine-matrix section from the adapters
 * (`npm run matrix`); `--check` writes nothing and exits 1 when either file is out of date.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { engineMatrix } from '../src/services/adapters/matrix/facts.js';
import { renderMatrixDoc, renderReadmeSection, replaceReadmeSection } from '../src/services/adapters/matrix/render.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const docPath = path.join(root, 'docs', 'engine-matrix.md');
const readmePath = path.join(root, 'README.md');

const rows = await engineMatrix();
const doc = renderMatrixDoc(rows);
const readme = replaceReadmeSection(await readFile(readmePath, 'utf8'), renderReadmeSection(rows));
const stale = [
  ...((await readFile(docPath, 'utf8').catch(() => '')) === doc ? [] : [[docPath, doc] as const]),
  ...((await readFile(readmePath, 'utf8')) === readme ? [] : [[readmePath, readme] as const]),
];
if (process.argv.includes('--check')) {
  for (const [p] of stale) console.error(`${path.relative(root, p)} is out of date: run npm run matrix`);
  process.exitCode = stale.length ? 1 : 0;
} else {
  for (const [p, text] of stale) await writeFile(p, text);
  console.log(stale.length ? `wrote ${stale.map(([p]) => path.relative(root, p)).join(', ')}` : 'engine matrix is up to date');
}
