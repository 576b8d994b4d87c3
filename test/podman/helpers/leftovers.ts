import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const LABEL = 'label=io.flux.module=620600';

/** Containers, volumes and networks labelled by the module that were created after `since`. */
export async function labelledSince(since: Date): Promise<string[]> {
  const [containers, volumes, networks] = await Promise.all([
    run('podman', ['ps', '-a', '--filter', LABEL, '--format', '{{.Names}}\t{{.Created}}']),
    run('podman', ['volume', 'ls', '--filter', LABEL, '--format', '{{.Name}}\t{{.CreatedAt}}']),
    run('podman', ['network', 'ls', '--filter', LABEL, '--format', '{{.Name}}\t{{.Created}}']),
  ]);
  const rows = (kind: string, out: string) => out.split('\n').filter(Boolean).map((line) => {
    const [name, created] = line.split('\t');
    return { label: `${kind} ${name}`, created: parseCreated(created ?? '') };
  });
  return [...rows('container', containers.stdout), ...rows('volume', volumes.stdout), ...rows('network', networks.stdout)]
    .filter((r) => r.created === null || r.created >= since)
    .map((r) => r.label);
}

/** Podman prints e.g. "2026-11-28 03:49:12.123456789 +0000 UTC" or a Unix time in seconds. */
function parseCreated(value: string): Date | null {
  if (/^\d+$/.test(value)) return new Date(Number(value) * 1000);
  const m = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)(\.\d+)? ([+-]\d{4})/.exec(value);
  if (!m) return null;
  return new Date(`${m[1]}T${m[2]}${m[4]!.slice(0, 3)}:${m[4]!.slice(3)}`);
}
