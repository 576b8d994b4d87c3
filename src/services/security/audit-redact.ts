/** What an audit record may hold of a request's parameters: JSON without secrets, bounded in size. */
export type AuditParams = Record<string, unknown>;

/**
 * Field names that carry secrets, whatever their value looks like: passwords, keys, certificates,
 * tokens. `keys` (a Redis user's key patterns) and `keep_data` are not among them.
 */
const SECRET_NAME = /(pass(word|phrase)?|secret|token|credential|private|signature|authori[sz]ation|cookie|(^|_)key$|^key_|cert|pem)/i;
/** Values that are secrets whatever their field is called: PEM blocks. */
const SECRET_VALUE = /-----BEGIN [A-Z ]+-----/;
const MAX_STRING = 256;
const MAX_ITEMS = 50;
const MAX_DEPTH = 4;
export const REDACTED = '[redacted]';

/**
 * A copy of `value` fit for the audit table: secret fields replaced by `[redacted]` (so the record
 * says one was given), PEM blocks likewise, long strings cut, deep or long structures bounded.
 */
export function redactParams(value: unknown): AuditParams {
  const out = redact(value, 0);
  return out !== null && typeof out === 'object' && !Array.isArray(out) ? out as AuditParams : out === undefined ? {} : { value: out };
}

function redact(value: unknown, depth: number): unknown {
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return value;
  if (typeof value === 'string') {
    if (SECRET_VALUE.test(value)) return REDACTED;
    return value.length > MAX_STRING ? `[${value.length} characters]` : value;
  }
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) {
    const items = value.slice(0, MAX_ITEMS).map((v) => redact(v, depth + 1));
    return value.length > MAX_ITEMS ? [...items, `[${value.length - MAX_ITEMS} more]`] : items;
  }
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>).slice(0, MAX_ITEMS)) {
      out[k.slice(0, 64)] = SECRET_NAME.test(k) ? REDACTED : redact(v, depth + 1);
    }
    return out;
  }
  return undefined; // functions, symbols, undefined: nothing to keep
}
