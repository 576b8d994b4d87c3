import { readFile } from 'node:fs/promises';
import { ModuleError } from '../../errors.js';
import type { RegistryCredentials } from '../runtime/container-runtime.js';
import { normalizeRegistry, parseImageRef } from '../runtime/image-reference.js';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
}

const VARIABLE = 'FLUX_DATABASES_REGISTRY_AUTH_FILE';

/** `host[/path]` with Docker Hub's aliases folded, the way keys are matched against references. */
function normalizeKey(key: string): string {
  const bare = key.replace(/^https?:\/\//, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  const host = slash < 0 ? bare : bare.slice(0, slash);
  const rest = slash < 0 ? '' : bare.slice(slash).replace(/^\/v[12]$/, '');
  return normalizeRegistry(host) + rest;
}

function decode(entry: AuthEntry, key: string, file: string): RegistryCredentials | undefined {
  if (entry.username && entry.password) return { username: entry.username, password: entry.password };
  if (!entry.auth) return undefined;
  const plain = Buffer.from(entry.auth, 'base64').toString('utf8');
  const colon = plain.indexOf(':');
  if (colon <= 0) throw new ModuleError('INTERNAL', `${VARIABLE} (${file}): the "auth" of ${key} is not base64 of user:password`);
  return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
}

/**
 * Registry credentials from a containers-auth.json file (`podman login --authfile` writes one:
 * `{"auths": {"registry.example.com[/namespace]": {"auth": base64("user:password")}}}`). Read at
 * each pull, so changed credentials need no restart. The most specific key wins, as in Podman.
 * Nothing read here is logged, returned by the API or put in an error message.
 */
export class RegistryAuth {
  constructor(private readonly file: string | undefined) {}

  get configured(): boolean {
    return this.file !== undefined;
  }

  /** The credentials for the registry (or repository) of `ref`, or undefined when the file has none. */
  async credentialsFor(ref: string): Promise<RegistryCredentials | undefined> {
    if (!this.file) return undefined;
    const auths = await this.read(this.file);
    const { registry, repository } = parseImageRef(ref);
    const byKey = new Map(Object.entries(auths).map(([k, v]) => [normalizeKey(k), { key: k, entry: v }]));
    const parts = repository.split('/');
    for (let n = parts.length; n >= 0; n--) {
      const candidate = [registry, ...parts.slice(0, n)].join('/');
      const hit = byKey.get(candidate);
      if (hit) return decode(hit.entry, hit.key, this.file);
    }
    return undefined;
  }

  private async read(file: string): Promise<Record<string, AuthEntry>> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new ModuleError('INTERNAL', `${VARIABLE} (${file}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      // JSON.parse's message quotes the text around the error: it could quote a password.
      throw new ModuleError('INTERNAL', `${VARIABLE} (${file}) is not valid JSON`);
    }
    const auths = (parsed as { auths?: unknown } | null)?.auths;
    if (!auths || typeof auths !== 'object') throw new ModuleError('INTERNAL', `${VARIABLE} (${file}) has no "auths" object`);
    return auths as Record<string, AuthEntry>;
  }
}
