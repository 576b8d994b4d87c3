/**
 * Splits a SQL script into single statements. PGlite's prepared-query path and pg's extended
 * protocol take one statement at a time, so a migration file is run statement by statement
 * through kysely, which works the same on both drivers and inside one transaction.
 * Understands '...' strings, "..." identifiers, $tag$ bodies, -- and block comments.
 */
export function splitSqlStatements(script: string): string[] {
  const statements: string[] = [];
  let current = '';
  let i = 0;
  const take = (end: number) => {
    current += script.slice(i, end);
    i = end;
  };
  while (i < script.length) {
    const ch = script[i]!;
    const next = script[i + 1];
    if (ch === '-' && next === '-') {
      const eol = script.indexOf('\n', i);
      i = eol === -1 ? script.length : eol; // comments are dropped, the newline kept
    } else if (ch === '/' && next === '*') {
      const end = script.indexOf('*/', i + 2);
      i = end === -1 ? script.length : end + 2;
    } else if (ch === "'" || ch === '"') {
      take(closingQuote(script, i, ch));
    } else if (ch === '$') {
      const tag = /^\$[A-Za-z_0-9]*\$/.exec(script.slice(i))?.[0];
      if (tag && !/[A-Za-z_0-9]/.test(script[i - 1] ?? '')) {
        const end = script.indexOf(tag, i + tag.length);
        take(end === -1 ? script.length : end + tag.length);
      } else take(i + 1);
    } else if (ch === ';') {
      if (current.trim()) statements.push(current.trim());
      current = '';
      i += 1;
    } else take(i + 1);
  }
  if (current.trim()) statements.push(current.trim());
  return statements;
}

/** Index just past the quote closing the one at `start`; a doubled quote is an escaped one. */
function closingQuote(script: string, start: number, quote: string): number {
  let j = start + 1;
  while (j < script.length) {
    if (script[j] === quote) {
      if (script[j + 1] === quote) j += 2;
      else return j + 1;
    } else j += 1;
  }
  return script.length;
}
