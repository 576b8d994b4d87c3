import { describe, expect, it, vi } from 'vitest';
import { loadModuleKey } from '../../src/services/security/secret-box.js';
import { tempDir } from '../helpers/host.js';

// A slow disk: every write of file content waits, so a file that is created and then written
// exists, empty, for a while. A reader must never see the key file in that state.
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const slow = () => new Promise((r) => setTimeout(r, 40));
  const writeFile: typeof real.writeFile = async (file, data, options) => {
    const flag = typeof options === 'object' && options ? options.flag : undefined;
    if (flag !== 'wx') return real.writeFile(file, data, options);
    const handle = await real.open(file as string, 'wx', typeof options === 'object' && options?.mode ? Number(options.mode) : 0o600);
    try {
      await slow();
      await handle.writeFile(data as string);
    } finally {
      await handle.close();
    }
  };
  const open: typeof real.open = async (...args) => {
    const handle = await real.open(...args);
    const write = handle.writeFile.bind(handle);
    handle.writeFile = async (...w: Parameters<typeof write>) => { await slow(); return write(...w); };
    return handle;
  };
  const fs = { ...real, writeFile, open };
  return { ...fs, default: fs };
});

describe('loadModuleKey on a slow disk', () => {
  it('no starter ever reads a partial key while another is writing it', async () => {
    const dir = await tempDir('flux-slow-key-');
    try {
      const first = loadModuleKey(dir.path);
      // Others start while the first one's write is still under way.
      await new Promise((r) => setTimeout(r, 10));
      const others = await Promise.all(Array.from({ length: 8 }, () => loadModuleKey(dir.path).then((k) => k, (e: Error) => e)));
      const key = await first;
      expect(key).toHaveLength(32);
      for (const k of others) expect(k).toEqual(key);
    } finally {
      await dir.remove();
    }
  });
});
