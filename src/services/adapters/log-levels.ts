import type { LogLevel } from './types.js';

/**
 * Log line formats the adapters know. Each parser reads the engine's own level marker; a word
 * like "error" inside a message never decides the level (the original's substring defect).
 */
export type LogFormat = 'postgresql' | 'mysql' | 'redis' | 'json' | 'glog' | 'mssql' | 'generic';

const PG_SEVERITY = /(?:^|\s)(PANIC|FATAL|ERROR|WARNING|NOTICE|LOG|INFO|DETAIL|HINT|STATEMENT|CONTEXT|DEBUG[1-5]?):\s/;
const MYSQL_LEVEL = /\[(ERROR|Warning|Warn|Note|System|Info)\]/;
// "<pid>:<role> <day> <mon> <year> <time>.<ms> <marker> ": . debug, - verbose, * notice, # warning.
const REDIS_MARKER = /^\d+:[A-Za-z] \d{1,2} [A-Za-z]{3} \d{4} \d\d:\d\d:\d\d\.\d{3} ([.\-*#]) /;
// Upper-case level words (case-sensitive, so "an error occurred" in a message does not count),
// [level] / <Level> markers and level=/lvl= fields: the earliest one in the line wins.
const GENERIC: RegExp[] = [
  /\b(FATAL|PANIC|CRITICAL|SEVERE|EMERG|ALERT|ERROR|ERR|WARNING|WARN|NOTICE|INFO|DEBUG|TRACE|FINE)\b/,
  /[[<](fatal|critical|error|err|warning|warn|notice|information|info|debug|trace)[\]>]/i,
  /\b(?:level|lvl|severity)=["']?([a-z]+)/i,
];

export function levelFromWord(word: string): LogLevel | undefined {
  const w = word.toLowerCase();
  if (/^(panic|fatal|critical|crit|severe|emerg|emergency|alert|error|err|e|f)$/.test(w)) return 'error';
  if (/^(warning|warn|w)$/.test(w)) return 'warning';
  if (/^(notice|info|information|informational|log|i|n|system|note)$/.test(w)) return 'info';
  if (/^(debug\d?|d\d?|trace|fine|finer|finest|verbose|t)$/.test(w)) return 'debug';
  return undefined;
}

function postgresql(line: string): LogLevel | undefined {
  const m = PG_SEVERITY.exec(line);
  if (!m) return undefined;
  const s = m[1]!;
  if (s === 'PANIC' || s === 'FATAL' || s === 'ERROR') return 'error';
  if (s === 'WARNING') return 'warning';
  if (s.startsWith('DEBUG')) return 'debug';
  return 'info';
}

function mysql(line: string): LogLevel | undefined {
  const m = MYSQL_LEVEL.exec(line);
  return m ? levelFromWord(m[1]!) : undefined;
}

function redis(line: string): LogLevel | undefined {
  const m = REDIS_MARKER.exec(line);
  if (!m) return undefined;
  return ({ '#': 'warning', '*': 'info', '-': 'debug', '.': 'debug' } as const)[m[1] as '#' | '*' | '-' | '.'];
}

/** JSON lines: level, log.level, severity, lvl, or MongoDB's "s" (F, E, W, I, D1..D5). */
function json(line: string): LogLevel | undefined {
  const t = line.trim();
  if (!t.startsWith('{')) return undefined;
  let obj: unknown;
  try {
    obj = JSON.parse(t);
  } catch {
    return undefined;
  }
  if (!obj || typeof obj !== 'object') return undefined;
  const o = obj as Record<string, unknown>;
  const nested = o.log && typeof o.log === 'object' ? (o.log as Record<string, unknown>).level : undefined;
  for (const v of [o.level, o['log.level'], nested, o.severity, o.lvl, o.s]) {
    if (typeof v === 'string') {
      const level = levelFromWord(v);
      if (level) return level;
    }
  }
  return undefined;
}

/** glog / CockroachDB: first letter I, W, E or F followed by the date. */
function glog(line: string): LogLevel | undefined {
  const m = /^([IWEF])\d{6}\s/.exec(line);
  return m ? levelFromWord(m[1]!) : undefined;
}

/** SQL Server errorlog: "<date> <source> Error: 18456, Severity: 14, State: 8." lines are errors. */
function mssql(line: string): LogLevel | undefined {
  return /\sError: \d+, Severity: \d+/.test(line) ? 'error' : undefined;
}

function generic(line: string): LogLevel {
  let best: RegExpExecArray | null = null;
  for (const re of GENERIC) {
    const m = re.exec(line);
    if (m && (!best || m.index < best.index)) best = m;
  }
  return (best && levelFromWord(best[1]!)) ?? 'info';
}

const PARSERS: Record<Exclude<LogFormat, 'generic'>, (line: string) => LogLevel | undefined> = {
  postgresql, mysql, redis, json, glog, mssql,
};

/** Level of one line in `format`; lines the format does not recognise fall back to JSON, then the generic parser. */
export function parseLogLevel(format: LogFormat, line: string): LogLevel {
  if (format !== 'generic') {
    const level = PARSERS[format](line);
    if (level) return level;
  }
  return json(line) ?? generic(line);
}
