import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { STANDIN_ENGINES } from '../../src/images/kit.js';
import { engineMatrix, LIVE_HERE, type MatrixRow } from '../../src/services/adapters/matrix/facts.js';
import { README_END, README_START, renderMatrixDoc, renderReadmeSection, replaceReadmeSection } from '../../src/services/adapters/matrix/render.js';
import { ENGINE_IDS } from '../../src/services/adapters/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let rows: MatrixRow[];
beforeAll(async () => { rows = await engineMatrix(); });
const row = (engine: string) => rows.find((r) => r.engine === engine)!;

describe('the committed engine matrix', () => {
  it('docs/engine-matrix.md is what `npm run matrix` writes', async () => {
    expect(await readFile(path.join(root, 'docs/engine-matrix.md'), 'utf8'), 'run npm run matrix').toBe(renderMatrixDoc(rows));
  });

  it('the README section between the markers is what `npm run matrix` writes', async () => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    expect(readme).toContain(README_START);
    expect(readme.indexOf(README_END)).toBeGreaterThan(readme.indexOf(README_START));
    expect(replaceReadmeSection(readme, renderReadmeSection(rows)), 'run npm run matrix').toBe(readme);
  });
});

describe('what the matrix says, read from the adapters', () => {
  it('has the 25 engines, live exactly where they ran here (the stand-in kit and DuckDB)', () => {
    expect(rows.map((r) => r.engine)).toEqual([...ENGINE_IDS]);
    expect(LIVE_HERE).toEqual([...STANDIN_ENGINES, 'duckdb']);
    expect(rows.filter((r) => r.verifiedLive).map((r) => r.engine).sort()).toEqual([...LIVE_HERE].sort());
    expect(row('mysql').liveAs).toMatch(/protocol stand-in.*docker\.io\/library\/mysql:8\.4/);
    expect(row('mssql').liveAs).toBeNull();
  });

  it('says "container environment" exactly where the adapter declares passwordInEnv', () => {
    for (const r of rows) {
      const declared = r.unsupported.some(([k]) => k === 'passwordInEnv');
      expect(r.password.includes('container environment'), r.engine).toBe(declared);
    }
    expect(row('mssql').password).toContain('`MSSQL_SA_PASSWORD`');
    expect(renderReadmeSection(rows)).toMatch(/Password in the container environment.*SQL Server/);
  });

  it('names the secret files, hashes and engines without a password', () => {
    expect(row('postgresql').password).toContain('`/run/secrets/postgres-password` via `POSTGRES_PASSWORD_FILE`');
    expect(row('clickhouse').password).toMatch(/^SHA-256 only/);
    expect(row('janusgraph').password).toMatch(/^none/);
    expect(row('janusgraph').auth).toBe('none');
    // InfluxDB's 1.x and 2.x contracts put it in different places.
    expect(row('influxdb').password).toMatch(/`2\.9`.*DOCKER_INFLUXDB_INIT_PASSWORD_FILE.*`1\.6`: secret file `\/run\/secrets\/influxdb-admin\.iql`/s);
  });

  it('carries every unsupported note, the capabilities and the published ports', () => {
    const doc = renderMatrixDoc(rows);
    for (const r of rows) for (const [k, v] of r.unsupported) expect(doc).toContain(`- \`${k}\`: ${v}`);
    expect(row('redis').capabilities).toContain('tls');
    expect(row('duckdb').capabilities).toContain('embedded');
    expect(row('questdb').ports).toContain('http 9000+');
    expect(row('mssql').capAdd).toEqual(['NET_BIND_SERVICE']);
    expect(row('cassandra').firstStart).toMatch(/cql-create-role.*cql-lock-out-cassandra.*cql-verify-lock-out/);
  });

  it('refuses a README without the markers', () => {
    expect(() => replaceReadmeSection('# no markers\n', 'x')).toThrow(/markers/);
  });
});
