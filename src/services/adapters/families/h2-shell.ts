import type { EngineEndpoint } from './endpoint.js';
import { STATEMENT_TIMEOUT_MS } from './browse-support.js';

/**
 * H2's own Shell, exec'd inside the instance's container against its TCP server, fed through
 * stdin: the Shell asks for URL, driver, user and password when it gets no -url, so the password
 * never reaches an argv (H2 takes it nowhere else). Not the PostgreSQL-protocol port: H2's pg
 * server opens a database with DATABASE_TO_LOWER=TRUE, and one created through JDBC (PUBLIC,
 * upper case) then fails to open. The shell string is a constant that only finds the jar.
 */
const FIND_JAR_AND_RUN = 'jar=$(ls /opt/h2/bin/h2*.jar /usr/share/java/h2.jar 2>/dev/null | head -n 1); exec java -cp "$jar" org.h2.tools.Shell';
const ROWS_LINE = /^\((\d+) rows?, \d+ ms\)$/;

/** An expression whose value the Shell prints as hex of its UTF-8 text (or NULL): no cell can hold the " | " separator. */
export const hexText = (expr: string): string => `RAWTOHEX(STRINGTOUTF8(CAST((${expr}) AS VARCHAR)))`;
/** H2 string literal; the names that reach one are checked identifiers. */
export const h2String = (s: string): string => `'${s.replace(/'/g, "''")}'`;

export type ShellRow = (string | null)[];

/**
 * Runs `queries` (SELECTs whose every column is hex or NULL) in one session with autocommit off,
 * a query timeout, and a rollback at the end; returns each query's rows, cells decoded from hex.
 */
export async function h2Shell(ep: EngineEndpoint, queries: string[]): Promise<ShellRow[][]> {
  const oneLine = (s: string) => s.replace(/\s+/g, ' ').trim();
  const statements = ['SET AUTOCOMMIT FALSE;', `SET QUERY_TIMEOUT ${STATEMENT_TIMEOUT_MS};`, ...queries.map((q) => `${oneLine(q)};`), 'ROLLBACK;'];
  const input = [`jdbc:h2:tcp://127.0.0.1:1521/${ep.database}`, '', ep.username, ep.password, 'maxwidth 100000000', ...statements, 'quit', ''].join('\n');
  const result = await ep.exec(['sh', '-c', FIND_JAR_AND_RUN], {
    stdin: input, env: { JAVA_TOOL_OPTIONS: '-Xmx64m -XX:TieredStopAtLevel=1' }, timeoutMs: STATEMENT_TIMEOUT_MS + 30_000,
  });
  if (result.timedOut) throw new Error('the H2 Shell did not finish in time');
  // One block per line sent after the sign-in: maxwidth, each statement, quit.
  const blocks = result.stdout.split('sql> ').slice(1).map((b) => b.split('\n').map((l) => l.trimEnd()).filter((l) => l !== ''));
  if (blocks.length < statements.length + 1) {
    const reason = [...result.stdout.split('\n'), ...result.stderr.split('\n')].find((l) => /Exception|Error/.test(l)) ?? `exit ${result.exitCode}`;
    throw new Error(`H2: ${reason.trim().slice(0, 500)}`);
  }
  return queries.map((_, i) => parseBlock(blocks[i + 3]!));
}

function parseBlock(block: string[]): ShellRow[] {
  const error = block.find((l) => l.startsWith('Error: '));
  if (error) throw new Error(`H2: ${error.slice(7, 507)}`);
  const end = block.findIndex((l) => ROWS_LINE.test(l));
  if (end < 0) throw new Error(`H2: unexpected Shell output ${JSON.stringify(block.slice(0, 2))}`);
  // block[0] is the header; every cell is hex or null.
  return block.slice(1, end).map((line) => line.split(' | ').map((cell) => {
    const v = cell.trim();
    return v === 'null' ? null : Buffer.from(v, 'hex').toString('utf8');
  }));
}
