/**
 * The layout of a ClickHouse dump (a tar, since 18.16 has no BACKUP statement): a manifest first,
 * `databases.sql`, then per table `NNNN.sql` (its SHOW CREATE TABLE) and its rows as
 * `NNNN.native.PPPPPP` parts (SELECT * FORMAT Native, cut into parts because a tar entry needs its
 * size up front). Plain tables with their data come before views, so a materialized view never
 * sees the rows its source gets back, and the view's own rows follow it. `restore.sh`
 * comes last and restores the dump with the stock clickhouse-client alone.
 */
export const MANIFEST = 'flux-clickhouse.json';
export const DATABASES_FILE = 'databases.sql';
export const RESTORE_SCRIPT = 'restore.sh';
/** A Native part is held in memory until it is written: the dump's only buffer. */
export const PART_BYTES = 8 << 20;
/** Databases that are the server's own. */
export const SYSTEM_DATABASES = ['system', 'INFORMATION_SCHEMA', 'information_schema'];

export interface DumpTable {
  /** Its number in the dump: `0001.sql`, `0001.native.000001`. */
  n: number;
  database: string;
  name: string;
  engine: string;
  /** Whether its rows are in the dump (engines that keep rows of their own). */
  data: boolean;
  /** How many Native parts it has; known once it was dumped (0 in the manifest at the start). */
  parts?: number;
}

export interface DumpManifest {
  format: 'flux-clickhouse-dump';
  version: 1;
  server: string;
  databases: string[];
  tables: DumpTable[];
}

/** A backquoted identifier (backslash and backquote escaped). */
export const chIdent = (name: string): string => `\`${name.replace(/\\/g, '\\\\').replace(/`/g, '\\`')}\``;
export const chTable = (t: Pick<DumpTable, 'database' | 'name'>): string => `${chIdent(t.database)}.${chIdent(t.name)}`;
/** A single-quoted string literal. */
export const chString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

export const tableFile = (n: number): string => `${String(n).padStart(4, '0')}.sql`;
export const partsBase = (n: number): string => `${String(n).padStart(4, '0')}.native`;
/** `0003.native.000012` -> 3; null for any other name. */
export function partOwner(name: string): number | null {
  const m = /^(\d{4,})\.native\.\d{6,}$/.exec(name);
  return m ? Number(m[1]) : null;
}

const VIEWS = new Set(['View', 'MaterializedView']);
const ROW_ENGINES = new Set(['Log', 'TinyLog', 'StripeLog', 'Memory']);

/** Whether SELECT * returns rows the table itself keeps (a materialized view: with its own inner table). */
export function keepsRows(engine: string, hasInnerTable: boolean): boolean {
  return engine.endsWith('MergeTree') || ROW_ENGINES.has(engine) || (engine === 'MaterializedView' && hasInnerTable);
}

export interface ListedTable {
  database: string;
  name: string;
  engine: string;
  create: string;
}

/**
 * Plain tables first (by name), then views in an order where each comes after the views its query
 * names; `.inner.` tables are left out (their materialized view makes them again).
 */
export function dumpOrder(listed: ListedTable[]): ListedTable[] {
  const tables = listed.filter((t) => !t.name.startsWith('.inner.'));
  const plain = tables.filter((t) => !VIEWS.has(t.engine));
  let views = tables.filter((t) => VIEWS.has(t.engine));
  const ordered: ListedTable[] = [];
  const mentions = (v: ListedTable, other: ListedTable) =>
    v !== other && (v.create.includes(`${other.database}.${other.name}`) || v.create.includes(chTable(other)));
  while (views.length) {
    const ready = views.filter((v) => !views.some((o) => mentions(v, o)));
    // A cycle (or a name inside a string) cannot be ordered: keep the rest by name.
    const next = ready.length ? ready : views;
    ordered.push(...next);
    views = views.filter((v) => !next.includes(v));
  }
  return [...plain, ...ordered];
}

/** Single-quoted for sh: every character literal. */
const shQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** The stock-client restore of the whole dump, in the order the dump was made. */
export function restoreScript(m: DumpManifest): string {
  const lines = [
    '#!/bin/sh',
    '# Restores this ClickHouse dump with the stock clickhouse-client, in the order it was made.',
    '# Usage: sh restore.sh --host HOST --port 9000 --user USER --password PASSWORD',
    'set -eu',
    'cd "$(dirname "$0")"',
    `clickhouse-client "$@" --multiquery < ${DATABASES_FILE}`,
  ];
  for (const t of m.tables) {
    lines.push(`clickhouse-client "$@" --multiquery < ${tableFile(t.n)}`);
    if (t.data && (t.parts ?? 0) > 0) {
      lines.push(`cat ${partsBase(t.n)}.* | clickhouse-client "$@" --query ${shQuote(`INSERT INTO ${chTable(t)} FORMAT Native`)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function databasesSql(databases: string[]): string {
  return databases.map((d) => `CREATE DATABASE IF NOT EXISTS ${chIdent(d)};\n`).join('');
}
