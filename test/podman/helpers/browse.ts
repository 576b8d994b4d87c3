import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { expect } from 'vitest';
import type { EngineEndpoint } from '../../../src/services/adapters/families/endpoint.js';
import { READER, STANDIN_VERSIONS, type ModuleUnderTest } from './module-under-test.js';

const exec = promisify(execFile);

export interface Command { argv: string[]; env?: Record<string, string> }
export interface Returned { connection_string: string; password: string; ports?: Record<string, number>; commands?: Record<string, Command> }

/** Runs a stock client with the argv and env GET /connection-string returned, plus `extra`. */
export async function runClient(command: Command | undefined, extra: string[]): Promise<string> {
  if (!command) throw new Error('the route returned no command for this client');
  const [bin, ...args] = command.argv;
  const { stdout } = await exec(bin!, [...args, ...extra], { env: { ...process.env, ...command.env }, timeout: 120_000, maxBuffer: 16 << 20 });
  return stdout;
}

export async function run(bin: string, args: string[], env: Record<string, string> = {}): Promise<string> {
  return (await exec(bin, args, { env: { ...process.env, ...env }, timeout: 120_000, maxBuffer: 16 << 20 })).stdout;
}

export const lines = (s: string): string[] => s.split('\n').filter((l) => l.length > 0);

/** A running instance of `engine` with a unique name, its connection details and its engine endpoint. */
export async function instance(m: ModuleUnderTest, engine: string): Promise<{ id: number; c: Returned; endpoint: () => Promise<EngineEndpoint> }> {
  const name = `browse-${engine}-${randomBytes(3).toString('hex')}`;
  const created = await m.api('POST', '/databases', { engine, version: STANDIN_VERSIONS[engine], name, sku: 'b1' });
  expect(created.status, JSON.stringify(created.body)).toBe(202);
  const id = created.body.id as number;
  await m.waitFor(id, ['running']);
  const c = (await m.api<Returned>('GET', `/databases/${id}/connection-string`)).body;
  const endpoint = async () => {
    const support = m.app.flux.services.instances.support;
    const row = await support.get(id);
    return support.driverOf(row).endpoint(row);
  };
  return { id, c, endpoint };
}

/** The browser's three answers as a reader (who may browse), each checked for the password. */
export async function browse(m: ModuleUnderTest, id: number, path: string, password: string): Promise<any> {
  const res = await m.api('GET', `/databases/${id}${path}`, undefined, READER);
  expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
  if (password) expect(JSON.stringify(res.body)).not.toContain(password);
  return res.body;
}

/** Every page of a key scan. */
export async function scanAll(m: ModuleUnderTest, id: number, password: string, query: string): Promise<any[]> {
  const objects: any[] = [];
  let cursor: string | null = '0';
  for (let page = 0; cursor !== null && page < 1000; page++) {
    const body: any = await browse(m, id, `/tables?${query}&cursor=${cursor}`, password);
    objects.push(...body.objects);
    cursor = body.next_cursor;
  }
  return objects;
}

export const hexToBase64 = (hex: string): string => Buffer.from(hex.replace(/^\\x/, ''), 'hex').toString('base64');
/** "2024-01-02 03:04:05.123456+00" → ISO 8601 as the browser writes it. */
export const iso = (text: string, zone: 'Z' | '' = 'Z'): string => `${text.replace(' ', 'T').replace(/(\+00(:00)?|Z)$/, '')}${zone}`;
