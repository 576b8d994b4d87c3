import { describe, expect, it } from 'vitest';
import { AdapterInputError } from '../../src/errors.js';
import { DECLARED_BROWSE, type BrowseCall } from '../../src/services/adapters/families/browse-declared.js';
import { listAdapters } from '../../src/services/adapters/registry.js';

// The conformance suite of the data browser: every engine either browses (a browser role, proven
// live in the podman tier) or declares what it would send, from CONTRACTS.md's admin queries; a
// declared engine never advertises supports_browse; declared calls take only checked names, quoted
// or bound, and never more than 1000 rows.
const HOSTILE = ['a;b', "x'--", 'x"y', 'a b', '../etc', 'a/b', '$(id)', '`id`', '1abc', 'a'.repeat(200), 'x\ny', 'é', 'a]b', 'a..b', '.a'];
/** Hostile to engines with schema-qualified names only (keys, measurements and collections may hold dots). */
const SQL_HOSTILE = ['a.b.c'];
const DOTTED = new Set(['redis', 'keydb', 'valkey', 'influxdb', 'mongodb', 'couchdb', 'arangodb', 'elasticsearch', 'meilisearch', 'typesense', 'neo4j', 'janusgraph']);
const hostileFor = (engine: string) => (DOTTED.has(engine) ? HOSTILE : [...HOSTILE, ...SQL_HOSTILE]);
const LIVE = ['mysql', 'postgresql', 'mariadb', 'redis', 'keydb', 'valkey', 'influxdb', 'timescaledb', 'clickhouse', 'duckdb', 'h2'];
const text = (calls: BrowseCall[]) => JSON.stringify(calls);

/** The admin-query forms CONTRACTS.md gives per engine (listing, then sample), typed in from its sections. */
const FORMS: Record<string, [RegExp, RegExp]> = {
  mssql: [/INFORMATION_SCHEMA\.TABLES/, /^SELECT \* FROM \[dbo\]\.\[users\] .*FETCH NEXT \d+ ROWS ONLY$/],
  oracle: [/FROM all_tables/, /SELECT \* FROM "APP"\."users" OFFSET \d+ ROWS FETCH FIRST \d+ ROWS ONLY$/],
  cockroachdb: [/information_schema\.tables/, /SELECT \* FROM "public"\."users" LIMIT \$1 OFFSET \$2$/],
  questdb: [/^SHOW TABLES$/, /^SELECT \* FROM "users" LIMIT \d+, \d+$/],
  cassandra: [/system_schema\.tables/, /^SELECT \* FROM "app"\."users" LIMIT \d+$/],
  scylladb: [/system_schema\.tables/, /^SELECT \* FROM "app"\."users" LIMIT \d+$/],
  mongodb: [/^db\.getCollectionNames\(\)$/, /^db\.getCollection\("users"\)\.find\(\)\.skip\(\d+\)\.limit\(\d+\)$/],
  couchdb: [/^GET \/_all_dbs$/, /^GET \/users\/_all_docs\?limit=\d+&skip=\d+&include_docs=true$/],
  arangodb: [/^GET \/_api\/collection/, /^FOR d IN @@collection LIMIT @offset, @limit RETURN d$/],
  elasticsearch: [/^GET \/_cat\/indices/, /^GET \/users\/_search\?size=\d+&from=\d+$/],
  meilisearch: [/^GET \/indexes$/, /^GET \/indexes\/users\/documents\?limit=\d+&offset=\d+$/],
  typesense: [/^GET \/collections$/, /^GET \/collections\/users\/documents\/search\?q=\*&per_page=\d+&page=\d+$/],
  neo4j: [/^CALL db\.labels\(\)$/, /^MATCH \(n:`users`\) RETURN n SKIP \$offset LIMIT \$limit$/],
  janusgraph: [/getVertexLabels/, /^g\.V\(\)\.hasLabel\(label\)\.range\(from, to\)\.valueMap\(true\)$/],
};

describe('data browser conformance', () => {
  it('every engine browses live or declares its queries, never both; only the live ones advertise supports_browse', () => {
    for (const a of listAdapters()) {
      const declared = DECLARED_BROWSE[a.engine];
      expect(Boolean(a.roles.browser) !== Boolean(declared), `${a.engine}: a browser role or a declaration, exactly one`).toBe(true);
      expect(a.capabilities.supportsBrowse, a.engine).toBe(Boolean(a.roles.browser));
    }
    expect(listAdapters().filter((a) => a.roles.browser).map((a) => a.engine).sort()).toEqual([...LIVE].sort());
    expect(Object.keys(DECLARED_BROWSE).sort()).toEqual(Object.keys(FORMS).sort());
  });

  it('the live roles refuse hostile names before anything is sent', () => {
    for (const a of listAdapters().filter((x) => x.roles.browser)) {
      for (const name of hostileFor(a.engine)) expect(() => a.roles.browser!.checkName(name), `${a.engine} ${JSON.stringify(name)}`).toThrow(AdapterInputError);
    }
  });

  it.each(Object.entries(FORMS))('%s: the listing and the sample follow CONTRACTS.md, names checked and quoted, at most 1000 rows', (engine, [listing, sample]) => {
    const d = DECLARED_BROWSE[engine as keyof typeof DECLARED_BROWSE]!;
    expect(d.why).toBeTruthy();
    expect(d.tables().some((c) => listing.test(c.text)), text(d.tables())).toBe(true);
    const s = d.sample('users', { limit: 50, offset: 10 });
    expect(s.text).toMatch(sample);
    expect(text([s])).toMatch(/\b(50|60)\b/);
    expect(text([d.sample('users', { limit: 5000, offset: 0 })])).not.toMatch(/\b5000\b/);
    expect(d.describe('users').length).toBeGreaterThan(0);
    for (const name of hostileFor(engine)) {
      expect(() => d.sample(name, { limit: 1, offset: 0 }), JSON.stringify(name)).toThrow(AdapterInputError);
      expect(() => d.describe(name), JSON.stringify(name)).toThrow(AdapterInputError);
    }
  });
});
