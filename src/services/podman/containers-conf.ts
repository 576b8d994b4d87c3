import { readdir, readFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** Our drop-in's file name; `50-` lets an admin's later files override it. */
export const DROP_IN_NAME = '50-flux-databases.conf';

export interface ContainersConfSettings {
  /** [containers] default_ulimits nofile and nproc, when some file sets them. */
  nofile: { soft: number; hard: number } | null;
  nproc: { soft: number; hard: number } | null;
  /** [engine] runtime, when some file sets it. */
  runtime: string | null;
}

export interface DropInFix {
  runtime?: 'runc';
  nofile?: number;
  nproc?: number;
}

/** Where containers.conf drop-ins live: system-wide for root, per user for rootless Podman. */
export function dropInDir(rootless: boolean, home = os.homedir()): string {
  return rootless ? path.join(home, '.config/containers/containers.conf.d') : '/etc/containers/containers.conf.d';
}

/** containers.conf files in the order Podman reads them (later wins). */
export async function configFiles(rootless: boolean, home = os.homedir(), dropIns = dropInDir(rootless, home)): Promise<string[]> {
  const list = ['/usr/share/containers/containers.conf', '/etc/containers/containers.conf'];
  if (rootless) list.push(path.join(home, '.config/containers/containers.conf'));
  const dirs = [...new Set(['/etc/containers/containers.conf.d', dropIns])];
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    list.push(...names.filter((n) => n.endsWith('.conf')).sort().map((n) => path.join(dir, n)));
  }
  return list;
}

/** Reads the two settings we care about from a containers.conf text (a TOML subset). */
export function parseContainersConf(text: string): Partial<ContainersConfSettings> {
  const out: Partial<ContainersConfSettings> = {};
  let section = '';
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const header = /^\[([a-z_.]+)\]$/.exec(line);
    if (header) { section = header[1]!; continue; }
    const kv = /^([a-z_]+)\s*=\s*(.*)$/.exec(line);
    if (!kv) continue;
    let value = kv[2]!;
    // Arrays may span lines.
    while (value.startsWith('[') && !value.includes(']') && i + 1 < lines.length) value += lines[++i];
    if (section === 'engine' && kv[1] === 'runtime') out.runtime = /"([^"]*)"/.exec(value)?.[1] ?? null;
    if (section === 'containers' && kv[1] === 'default_ulimits') {
      // A later default_ulimits replaces the whole list, so a name it lacks is unset again.
      for (const name of ['nofile', 'nproc'] as const) {
        const m = new RegExp(`"${name}=(\\d+):(\\d+)"`).exec(value);
        out[name] = m ? { soft: Number(m[1]), hard: Number(m[2]) } : null;
      }
    }
  }
  return out;
}

export async function readContainersConf(files: string[]): Promise<ContainersConfSettings> {
  const merged: ContainersConfSettings = { nofile: null, nproc: null, runtime: null };
  for (const file of files) {
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text !== null) Object.assign(merged, parseContainersConf(text));
  }
  return merged;
}

export function renderDropIn(fix: DropInFix): string {
  const parts = ['# Written by the Flux Databases module (620600) for problems measured on this host.'];
  const ulimits = (['nofile', 'nproc'] as const).filter((n) => fix[n]).map((n) => `"${n}=${fix[n]}:${fix[n]}"`);
  if (ulimits.length) parts.push('[containers]', `default_ulimits = [${ulimits.join(', ')}]`);
  if (fix.runtime) parts.push('[engine]', `runtime = "${fix.runtime}"`);
  return `${parts.join('\n')}\n`;
}

/** Writes the drop-in when there is something to fix; rewrites only when the content changes. */
export async function writeDropIn(dir: string, fix: DropInFix): Promise<{ path: string; changed: boolean; content: string | null }> {
  const file = path.join(dir, DROP_IN_NAME);
  if (!fix.nofile && !fix.nproc && !fix.runtime) return { path: file, changed: false, content: null };
  const content = renderDropIn(fix);
  if ((await readFile(file, 'utf8').catch(() => null)) === content) return { path: file, changed: false, content };
  await mkdir(dir, { recursive: true });
  await writeFile(file, content, { mode: 0o644 });
  return { path: file, changed: true, content };
}
