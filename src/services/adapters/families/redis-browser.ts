import { AdapterInputError } from '../../../errors.js';
import type { BrowseListing, BrowsedObject, BrowserRole, KeyFacts, ListOptions, RowSample, SampleOptions, TableDescription } from '../roles/browser.js';
import { assertFound, bytesCell, CELL_LIMIT, rowLimit, SampleBuilder, STATEMENT_TIMEOUT_MS } from './browse-support.js';
import type { EngineEndpoint } from './endpoint.js';
import { withRedis } from './redis-client.js';
import { ReadOnlyRedis, str } from './redis-read-only.js';

/** Key names the routes carry (the route's TABLE_NAME): other keys are listed with ref null. */
const KEY_NAME = /^[A-Za-z_][A-Za-z0-9_$.:-]{0,127}$/;
/** A string value longer than this is read as its first bytes only. */
const STRING_READ_BYTES = CELL_LIMIT * 4;
const LENGTH: Record<string, string> = { string: 'STRLEN', hash: 'HLEN', list: 'LLEN', set: 'SCARD', zset: 'ZCARD', stream: 'XLEN' };
/** The columns a key's value is shown in, and the one that identifies an element. */
const SHAPES: Record<string, { columns: string[]; key: string[] }> = {
  string: { columns: ['value'], key: [] }, hash: { columns: ['field', 'value'], key: ['field'] },
  list: { columns: ['index', 'value'], key: ['index'] }, set: { columns: ['member'], key: ['member'] },
  zset: { columns: ['member', 'score'], key: ['member'] }, stream: { columns: ['id', 'fields'], key: ['id'] },
};

const int = (v: unknown): number | null => (v instanceof Error || v === null || v === undefined ? null : Number(str(v)));

export function checkKey(name: string): string {
  if (!KEY_NAME.test(name) || name.includes('..')) throw new AdapterInputError(`invalid key ${JSON.stringify(name)}: must match ${KEY_NAME}, without ..`);
  return name;
}

/** The Redis family (Redis, Valkey, KeyDB): a cursor-paged SCAN with MATCH and COUNT, never KEYS; database 0. */
export class RedisBrowser implements BrowserRole {
  readonly objectNoun = 'keys';
  readonly scansKeys = true;

  checkName(name: string): void {
    checkKey(name);
  }

  private session<T>(ep: EngineEndpoint, fn: (r: ReadOnlyRedis) => Promise<T>): Promise<T> {
    return withRedis({ host: ep.host, port: ep.port(6379), password: ep.password, username: 'default', tls: ep.tls, timeoutMs: STATEMENT_TIMEOUT_MS },
      (client) => fn(new ReadOnlyRedis(client)));
  }

  async list(ep: EngineEndpoint, options: ListOptions): Promise<BrowseListing> {
    return this.session(ep, async (r) => {
      const [cursor, keys] = (await r.send('SCAN', options.cursor ?? '0', 'MATCH', options.pattern ?? '*', 'COUNT', options.count ?? 100)) as [Buffer, Buffer[]];
      const names = keys.map(str);
      const facts = await r.pipeline(names.flatMap((k): [string, string][] => [['TYPE', k], ['PTTL', k]]));
      const types = names.map((_, i) => str(facts[2 * i]));
      const sizes = await r.pipeline(names.flatMap((k, i): [string, ...string[]][] => [
        ['MEMORY', 'USAGE', k], [LENGTH[types[i]!] ?? 'EXISTS', k],
      ]));
      const objects: BrowsedObject[] = names.map((k, i) => ({
        schema: null, name: k, kind: 'key', key_type: types[i]!, ttl_ms: int(facts[2 * i + 1]) ?? -1,
        rows_estimate: LENGTH[types[i]!] ? int(sizes[2 * i + 1]) : null, size_bytes: int(sizes[2 * i]),
        ref: KEY_NAME.test(k) && !k.includes('..') ? k : null,
      }));
      const next = str(cursor);
      return { objects, next_cursor: next === '0' ? null : next };
    });
  }

  private async facts(r: ReadOnlyRedis, key: string): Promise<KeyFacts> {
    const [exists, type, ttl, size, encoding] = await r.pipeline([['EXISTS', key], ['TYPE', key], ['PTTL', key], ['MEMORY', 'USAGE', key], ['OBJECT', 'ENCODING', key]]);
    if (int(exists) !== 1) assertFound(null, `key ${key}`);
    const t = str(type);
    const length = LENGTH[t] ? int((await r.pipeline([[LENGTH[t]!, key]]))[0]) : null;
    return { type: t, encoding: encoding instanceof Error || encoding === null ? null : str(encoding), ttl_ms: int(ttl) ?? -1, size_bytes: int(size), length };
  }

  async describe(ep: EngineEndpoint, name: string): Promise<TableDescription> {
    const key = checkKey(name);
    return this.session(ep, async (r) => {
      const facts = await this.facts(r, key);
      const shape = SHAPES[facts.type] ?? { columns: [], key: [] };
      return {
        schema: null, name: key, kind: facts.type, key: facts, primary_key: shape.key, indexes: [], foreign_keys: [],
        columns: shape.columns.map((c) => ({ name: c, type: c === 'score' ? 'double' : c === 'index' ? 'integer' : 'bytes', nullable: false, default: null, primary_key: shape.key.includes(c) })),
      };
    });
  }

  async sample(ep: EngineEndpoint, name: string, options: SampleOptions): Promise<RowSample> {
    const key = checkKey(name);
    if (options.order) throw new AdapterInputError('order: keys are shown in their own order (list index, sorted-set score, scan order)');
    return this.session(ep, async (r) => {
      const facts = await this.facts(r, key);
      const shape = SHAPES[facts.type] ?? { columns: [], key: [] };
      const out = new SampleBuilder(shape.columns.map((c) => ({ name: c, type: c === 'score' ? 'double' : c === 'index' ? 'integer' : 'bytes' })));
      const { offset } = options;
      const limit = rowLimit(options);
      const stop = offset + limit - 1;
      switch (facts.type) {
        case 'string':
          if (offset === 0) await this.stringRow(r, key, facts.length ?? 0, out);
          break;
        case 'list':
          ((await r.send('LRANGE', key, offset, stop)) as Buffer[]).forEach((v, i) => { out.number(offset + i); bytesCell(out, v); out.endRow(); });
          break;
        case 'zset': {
          const flat = (await r.send('ZRANGE', key, offset, stop, 'WITHSCORES')) as Buffer[];
          for (let i = 0; i < flat.length; i += 2) { bytesCell(out, flat[i]!); out.number(Number(str(flat[i + 1]))); out.endRow(); }
          break;
        }
        case 'hash': case 'set': {
          const pairs = facts.type === 'hash';
          const items = await this.scanElements(r, pairs ? 'HSCAN' : 'SSCAN', key, offset + limit, pairs ? 2 : 1);
          for (const item of items.slice(offset)) { item.forEach((v) => bytesCell(out, v)); out.endRow(); }
          break;
        }
        case 'stream': {
          const entries = (await r.send('XRANGE', key, '-', '+', 'COUNT', offset + limit)) as [Buffer, Buffer[]][];
          for (const [id, fields] of entries.slice(offset)) {
            out.text(str(id));
            const obj: Record<string, string> = {};
            for (let i = 0; i < fields.length; i += 2) obj[str(fields[i])] = str(fields[i + 1]);
            out.text(JSON.stringify(obj));
            out.endRow();
          }
          break;
        }
        default: break;
      }
      return out.build(options, null);
    });
  }

  /** A long string is read as its first bytes only, and said to be cut at its full length. */
  private async stringRow(r: ReadOnlyRedis, key: string, length: number, out: SampleBuilder): Promise<void> {
    if (length <= STRING_READ_BYTES) {
      bytesCell(out, (await r.send('GET', key)) as Buffer);
    } else {
      const head = (await r.send('GETRANGE', key, 0, STRING_READ_BYTES - 1)) as Buffer;
      out.cut(head, length);
    }
    out.endRow();
  }

  /** HSCAN/SSCAN until `wanted` elements are in hand or the scan ends, within the statement timeout. */
  private async scanElements(r: ReadOnlyRedis, command: 'HSCAN' | 'SSCAN', key: string, wanted: number, width: number): Promise<Buffer[][]> {
    const items: Buffer[][] = [];
    const deadline = Date.now() + STATEMENT_TIMEOUT_MS;
    let cursor = '0';
    do {
      if (Date.now() > deadline) throw new Error(`${command} did not reach the offset within ${STATEMENT_TIMEOUT_MS} ms`);
      const [next, flat] = (await r.send(command, key, cursor, 'COUNT', 1000)) as [Buffer, Buffer[]];
      for (let i = 0; i < flat.length; i += width) items.push(flat.slice(i, i + width));
      cursor = str(next);
    } while (cursor !== '0' && items.length < wanted);
    return items.slice(0, wanted);
  }
}
