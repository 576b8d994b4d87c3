import type { BackupFigures, Inventory } from '../adapters/roles/backup.js';

/**
 * What a restored engine holds against the figures recorded at backup time: every object there
 * at backup time (in both counts) must be back with a count between the two; nothing may appear
 * that was not there. An empty list means the restore holds what the snapshot held.
 */
export function compareFigures(figures: BackupFigures, restored: Inventory): string[] {
  const problems: string[] = [];
  const names = new Set([...Object.keys(figures.low), ...Object.keys(figures.high)]);
  for (const name of names) {
    const [a, b] = [figures.low[name], figures.high[name]];
    const got = restored[name];
    // An object made or dropped during the dump may or may not be in it.
    if (a === undefined || b === undefined) continue;
    const [lo, hi] = [Math.min(a, b), Math.max(a, b)];
    if (got === undefined) problems.push(`${name} is missing (${lo === hi ? lo : `${lo}-${hi}`} at backup time)`);
    else if (got < lo || got > hi) problems.push(`${name} holds ${got}, ${lo === hi ? lo : `${lo}-${hi}`} at backup time`);
  }
  for (const name of Object.keys(restored)) {
    if (!names.has(name)) problems.push(`${name} (${restored[name]}) was not there at backup time`);
  }
  return problems;
}

/** "3 objects, 1200 counted" for a message. */
export function summarize(inventory: Inventory): string {
  const names = Object.keys(inventory);
  const total = Object.values(inventory).reduce((a, b) => a + b, 0);
  return `${names.length} object${names.length === 1 ? '' : 's'}, ${total} counted`;
}
