import { pbkdf2, randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { SnapshotFiles } from '../../src/services/backups/snapshot-files.js';
import { tempDir } from '../helpers/host.js';

const dirs: { path: string; remove(): Promise<void> }[] = [];
afterEach(async () => { for (const d of dirs.splice(0)) await d.remove(); });

describe('SnapshotFiles', () => {
  it('a snapshot discarded at once (its tool failed before writing) leaves no file', async () => {
    const d = await tempDir('flux-snapfiles-');
    dirs.push(d);
    const key = randomBytes(32);
    const files = new SnapshotFiles(d.path, async () => key);
    // A busy libuv pool (as on a loaded host) delays each file's open past the failure.
    const busyPool = () => Promise.all(Array.from({ length: 4 }, () =>
      new Promise((r) => pbkdf2('x', 'y', 200_000, 32, 'sha256', r))));
    for (let id = 1; id <= 5; id++) {
      const busy = busyPool();
      const writer = await files.create(7, id, '.rdb');
      await writer.discard();
      await busy;
    }
    expect(await readdir(`${d.path}/instance-7`)).toEqual([]);
  });
});
