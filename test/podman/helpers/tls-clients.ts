import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModuleUnderTest } from './module-under-test.js';
import { ADMIN } from './module-under-test.js';
import { bearer } from '../../helpers/host.js';

export interface Ran { code: number | null; stdout: string; stderr: string }

/**
 * Runs a stock client in `cwd` (where ca.pem lies, as the connection strings name it), secrets in
 * `env` or on stdin, never in argv. Resolves with the exit code: refusals are asserted, not thrown.
 */
export function runClient(cwd: string, argv: string[], options: { env?: Record<string, string>; input?: string; timeoutMs?: number } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const [bin, ...args] = argv;
    const child = spawn(bin!, args, { cwd, env: { ...process.env, ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.once('error', reject);
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
    child.stdin.end(options.input ?? '');
  });
}

/** curl with its credentials in a config read from stdin (-K -), so neither user nor password is in argv. */
export function curl(cwd: string, args: string[], user?: { name: string; password: string }): Promise<Ran> {
  const config = user ? `user = "${user.name}:${user.password.replace(/["\\]/g, '\\$&')}"\n` : '';
  return runClient(cwd, ['curl', '-sS', '-K', '-', '--max-time', '20', '-w', '\n%{http_code}', ...args], { input: config });
}

/** Saves GET /tls/ca as `<dir>/ca.pem` (the name connection strings use) and returns the PEM. */
export async function saveModuleCa(m: ModuleUnderTest, dir: string): Promise<string> {
  const res = await m.app.inject({ method: 'GET', url: '/api/modules/databases/tls/ca', headers: bearer(ADMIN) });
  if (res.statusCode !== 200) throw new Error(`GET /tls/ca answered ${res.statusCode}`);
  await writeFile(path.join(dir, 'ca.pem'), res.body);
  return res.body;
}

/** The certificate fingerprint an engine serves, as openssl s_client sees it (starttls for PostgreSQL and MySQL). */
export async function opensslFingerprint(cwd: string, port: number, starttls?: 'postgres' | 'mysql'): Promise<string> {
  const s = await runClient(cwd, ['openssl', 's_client', '-connect', `127.0.0.1:${port}`, ...(starttls ? ['-starttls', starttls] : [])], { timeoutMs: 20_000 });
  const pem = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(s.stdout)?.[0];
  if (!pem) throw new Error(`openssl s_client saw no certificate on ${port}: ${s.stderr.slice(0, 300)}`);
  const fp = await runClient(cwd, ['openssl', 'x509', '-noout', '-fingerprint', '-sha256'], { input: pem });
  return fp.stdout.trim().replace(/^sha256 Fingerprint=/i, '');
}
