import { describe, expect, it } from 'vitest';
import { splitSqlStatements } from '../../src/db/sql-script.js';

describe('splitSqlStatements', () => {
  it('splits on semicolons outside strings, identifiers, dollar bodies and comments', () => {
    const script = `-- header; not a statement
CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine');
/* block; comment */ INSERT INTO t VALUES ('x');
CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;
SELECT $1;;`;
    expect(splitSqlStatements(script)).toEqual([
      `CREATE TABLE "a;b" (x text DEFAULT 'it''s; fine')`,
      `INSERT INTO t VALUES ('x')`,
      'CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql',
      'SELECT $1',
    ]);
  });

  it('returns nothing for comments only', () => {
    expect(splitSqlStatements('-- nothing\n/* here */\n')).toEqual([]);
  });
});
