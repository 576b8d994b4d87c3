import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import { parseOwner, type OwnershipMode } from '../volume-service.js';

const run = promisify(execFile);

/**
 * Files of one engine's data directory, changed while the engine is stopped (offline restores).
 * A file is written beside its target and renamed over it, so the engine never finds half a file;
 * it is owned by the engine's user as the volume service owns volumes. Rootless: the directory
 * belongs to a subuid, so the file is staged in the instance's own directory and moved and chowned
 * inside the user namespace (`podman unshare`, argv only).
 */
export class DataDirFiles {
  constructor(
    private readonly dataDir: string,
    /** uid:gid of the engine (the plan's user); undefined: left as written. */
    private readonly owner: string | undefined,
    private readonly ownership: OwnershipMode,
    /** A directory the module itself owns, for staging under rootless Podman. */
    private readonly stagingDir: string,
  ) {}

  private resolve(relativePath: string): string {
    if (!relativePath || path.isAbsolute(relativePath) || relativePath.split(/[\\/]/).some((p) => p === '..' || p === '')) {
      throw new Error(`bad data file path ${JSON.stringify(relativePath)}`);
    }
    return path.join(this.dataDir, relativePath);
  }

  async write(relativePath: string, content: Readable): Promise<void> {
    const target = this.resolve(relativePath);
    const rootless = this.ownership === 'rootless';
    const staged = path.join(rootless ? this.stagingDir : path.dirname(target), `.${path.basename(target)}.flux-${randomBytes(4).toString('hex')}`);
    const out = createWriteStream(staged, { flags: 'wx', mode: 0o600 });
    try {
      await pipeline(content, out);
      const handle = await fs.open(staged, 'r');
      await handle.sync().finally(() => handle.close());
      const ids = parseOwner(this.owner);
      if (rootless) {
        if (ids) await run('podman', ['unshare', 'chown', `${ids.uid}:${ids.gid}`, '--', staged]);
        await run('podman', ['unshare', 'mv', '-f', '--', staged, target]);
        return;
      }
      if (ids && this.ownership === 'rootful') await fs.chown(staged, ids.uid, ids.gid);
      await fs.rename(staged, target);
    } catch (err) {
      await fs.rm(staged, { force: true }).catch(() => undefined);
      throw err;
    }
  }

  async read(relativePath: string): Promise<Readable> {
    const file = this.resolve(relativePath);
    await fs.access(file);
    return createReadStream(file);
  }

  async remove(relativePath: string): Promise<void> {
    const target = this.resolve(relativePath);
    try {
      await fs.rm(target, { recursive: true, force: true });
    } catch (err) {
      if (this.ownership !== 'rootless') throw err;
      await run('podman', ['unshare', 'rm', '-rf', '--', target]);
    }
  }
}
