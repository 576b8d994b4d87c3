/**
 * A tiny image made of this host's own binaries (bash, coreutils bits, perl-base for a TCP
 * listener) for runtime tests that need no database engine. Built with `podman import` in about a
 * second, tagged by a hash of its contents so CI rebuilds it only when the host binaries change.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile, chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

const BINARIES = [
  '/bin/bash', '/bin/sh', '/bin/sleep', '/bin/cat', '/bin/echo', '/bin/kill', '/bin/touch', '/usr/bin/id',
  '/usr/bin/env', '/bin/grep', '/bin/ls', '/bin/mkdir', '/usr/bin/perl', '/usr/bin/timeout',
];
/** perl-base's modules (IO::Socket::INET for the listener). */
const TREES = ['/usr/lib/x86_64-linux-gnu/perl-base'];
export const TOOLS_IMAGE_LABEL = 'io.flux.databases.test-tools-hash';

async function libsOf(binary: string): Promise<string[]> {
  const { stdout } = await run('ldd', [binary]);
  return [...stdout.matchAll(/(\/[^\s)]+)/g)].map((m) => m[1]!);
}

async function manifest(): Promise<string[]> {
  const files = new Set<string>();
  for (const b of BINARIES) {
    files.add(b);
    for (const lib of await libsOf(b)) files.add(lib);
  }
  return [...files].sort();
}

/** Returns the image ref, building it when no image with this content hash exists. */
export async function ensureToolsImage(): Promise<string> {
  const files = await manifest();
  const hash = createHash('sha256');
  for (const f of files) hash.update(f).update(await readFile(f));
  for (const t of TREES) hash.update(t);
  const tag = hash.digest('hex').slice(0, 12);
  const ref = `localhost/flux-test-tools:${tag}`;
  const exists = await run('podman', ['image', 'exists', ref]).then(() => true, () => false);
  if (exists) return ref;

  const root = await mkdtemp(path.join(tmpdir(), 'flux-tools-'));
  try {
    for (const f of files) {
      await mkdir(path.join(root, path.dirname(f)), { recursive: true });
      await cp(f, path.join(root, f), { dereference: true });
    }
    for (const t of TREES) await cp(t, path.join(root, t), { recursive: true, dereference: true });
    for (const d of ['tmp', 'proc', 'sys', 'dev', 'etc', 'run', 'var/tmp', 'data']) await mkdir(path.join(root, d), { recursive: true });
    await chmod(path.join(root, 'tmp'), 0o1777);
    await writeFile(path.join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\napp:x:999:999:app:/data:/bin/sh\n');
    await writeFile(path.join(root, 'etc/group'), 'root:x:0:\napp:x:999:\n');
    const tar = `${root}.tar`;
    await run('tar', ['-C', root, '-cf', tar, '.']);
    await run('podman', [
      'import', '--change', 'CMD ["/bin/sleep","infinity"]', '--change', `LABEL ${TOOLS_IMAGE_LABEL}=${tag}`,
      '--change', 'ENV PATH=/usr/bin:/bin', tar, ref,
    ]);
    await rm(tar, { force: true });
    return ref;
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
