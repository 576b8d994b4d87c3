import { expect } from 'vitest';

/**
 * Readers for the formats secret files are written in, as the engines read them (small parsers,
 * not the engines): config-templates.test.ts checks every planned file round-trips the password.
 */

/** A secret ini line `key = value` as CouchDB's and inih's parsers read it: trimmed, cut at " ;". */
export function checkSecretIni(text: string, password: string): void {
  const [section, line, ...rest] = text.split('\n');
  expect(section).toMatch(/^\[[a-z]+\]$/);
  const m = /^([a-z][a-z0-9_-]*) = (.*)$/.exec(line!);
  if (!m) throw new Error(`bad line: ${line}`);
  const value = m[2]!.split(/ ;|\t;/)[0]!.trim();
  expect(value).toBe(password);
  expect(rest).toEqual(['']);
}

/** java.util.Properties, as QuestDB's server.conf is read: key=value with backslash escapes. */
export function propertiesValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    const m = /^([a-z][a-z0-9_.]*)=(.*)$/.exec(line);
    if (!m) throw new Error(`bad line: ${line}`);
    if (/(^|[^\\])(\\\\)*\\$/.test(m[2]!)) throw new Error(`continuation line: ${line}`);
    out.set(m[1]!, m[2]!.replace(/\\u([0-9a-f]{4})|\\(.)/g, (_x, u: string, c: string) => (u ? String.fromCharCode(parseInt(u, 16)) : c)));
  }
  return out;
}

/** InfluxQL import file: the DDL header, then statements with 'backslash-escaped' strings. */
export function iqlStrings(text: string): string[] {
  expect(text.startsWith('# DDL\n')).toBe(true);
  return [...text.matchAll(/'((?:[^'\\]|\\.)*)'/g)].map((m) => m[1]!.replace(/\\(.)/g, '$1'));
}
