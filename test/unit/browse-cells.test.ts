import { describe, expect, it } from 'vitest';
import { BINARY_LIMIT, CELL_LIMIT, isoTimestamp, SampleBuilder, splitSqlName } from '../../src/services/adapters/families/browse-support.js';
import { assertReadOnly, parseLossless } from '../../src/services/adapters/families/influx-browser.js';
import { ReadOnlyRedis, WriteRefused } from '../../src/services/adapters/families/redis-read-only.js';
import { parseOrder } from '../../src/services/browse/data-browser.js';

// The data browser's conversions and guards, engine by engine the same: times as ISO 8601, long
// cells cut and listed, integers beyond 2^53 kept exact, InfluxQL and Redis writes refused.
describe('browse cells and guards', () => {
  it('writes each engine\'s timestamp text as ISO 8601, zone kept or Z', () => {
    expect(isoTimestamp('2024-01-02 03:04:05.123456+00')).toBe('2024-01-02T03:04:05.123456Z');
    expect(isoTimestamp('2024-01-02 03:04:05+05:30')).toBe('2024-01-02T03:04:05+05:30');
    expect(isoTimestamp('2024-01-02 03:04:05-08')).toBe('2024-01-02T03:04:05-08:00');
    expect(isoTimestamp('2024-01-02 03:04:05')).toBe('2024-01-02T03:04:05');
    expect(isoTimestamp('infinity')).toBe('infinity');
  });

  it('cuts text at CELL_LIMIT characters and binary at BINARY_LIMIT bytes, and lists each cut with its full length', () => {
    const out = new SampleBuilder([{ name: 't', type: 'text' }, { name: 'b', type: 'bytea' }, { name: 'n', type: 'int8' }]);
    out.text('é'.repeat(CELL_LIMIT + 5));
    out.binary(Buffer.alloc(BINARY_LIMIT + 1, 7));
    out.number(2n ** 63n);
    out.endRow();
    out.text('short');
    out.binary(Buffer.from([0, 255]));
    out.number(Number.NaN);
    out.endRow();
    const sample = out.build({ limit: 2, offset: 0 }, null);
    expect(sample.rows[0]![0]).toBe('é'.repeat(CELL_LIMIT));
    expect(Buffer.from(sample.rows[0]![1] as string, 'base64').length).toBe(BINARY_LIMIT);
    expect(sample.rows[0]![2]).toBe('9223372036854775808');
    expect(sample.rows[1]).toEqual(['short', 'AP8=', 'NaN']);
    expect(sample.truncated).toEqual([{ row: 0, column: 't', length: CELL_LIMIT + 5 }, { row: 0, column: 'b', length: BINARY_LIMIT + 1 }]);
  });

  it('keeps JSON integers beyond 2^53 exact, and strings untouched', () => {
    expect(parseLossless('{"a":[9007199254740993,1.5,-3,"9007199254740993 \\"x\\"",12e3]}')).toEqual({ a: ['9007199254740993', 1.5, -3, '9007199254740993 "x"', 12000] });
  });

  it('sends InfluxQL only as one SELECT or SHOW without INTO, whatever a quoted name says', () => {
    for (const ok of ['SHOW MEASUREMENTS LIMIT 10', 'SELECT * FROM "into" ORDER BY time ASC LIMIT 5 OFFSET 0', 'SHOW TAG KEYS FROM "a;b"']) expect(() => assertReadOnly(ok)).not.toThrow();
    for (const bad of ['SELECT * INTO x FROM y', 'select * into "x" from y', 'DROP MEASUREMENT cpu', 'SHOW MEASUREMENTS; DROP DATABASE app', 'CREATE USER u WITH PASSWORD \'p\'', ' DELETE FROM cpu']) {
      expect(() => assertReadOnly(bad), bad).toThrow(/read-only/);
    }
  });

  it('lets only read commands through to Redis', () => {
    for (const [cmd, ...args] of [['SCAN', '0'], ['memory', 'usage', 'k'], ['OBJECT', 'ENCODING', 'k'], ['get', 'k']]) expect(() => ReadOnlyRedis.check(cmd!, args)).not.toThrow();
    for (const [cmd, ...args] of [['SET', 'k', 'v'], ['DEL', 'k'], ['EVAL', 'x', '0'], ['MEMORY', 'PURGE'], ['OBJECT', 'FREQ', 'k'], ['KEYS', '*'], ['CONFIG', 'SET', 'a', 'b']]) {
      expect(() => ReadOnlyRedis.check(cmd!, args), cmd).toThrow(WriteRefused);
    }
  });

  it('splits schema.table into checked parts and parses the order parameter', () => {
    expect(splitSqlName('public.users', 'x')).toEqual({ schema: 'public', table: 'users' });
    expect(splitSqlName('users', 'main')).toEqual({ schema: 'main', table: 'users' });
    expect(parseOrder('id:desc')).toEqual({ column: 'id', descending: true });
    expect(parseOrder('name')).toEqual({ column: 'name', descending: false });
    expect(() => parseOrder('a;b')).toThrow();
  });
});
