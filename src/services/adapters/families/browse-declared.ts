import { AdapterInputError } from '../../../errors.js';
import type { EngineId } from '../types.js';
import { bq, dq, MAX_ROWS, splitSqlName } from './browse-support.js';

/**
 * The data browser of the engines that have no live instance here to prove one against: what it
 * would send, from CONTRACTS.md's admin queries, checked by the conformance suite (names checked
 * and quoted, or passed as parameters; limits clamped). None of these engines carries a browser
 * role, so GET /engines does not advertise supports_browse for them.
 */
export interface BrowseCall {
  via: 'sql' | 'cql' | 'mongosh' | 'http' | 'aql' | 'cypher' | 'gremlin';
  /** Statement, script or `METHOD path`; never holds a name that was not checked. */
  text: string;
  /** Values bound by the client (names where the engine takes them as parameters, limits). */
  params?: Record<string, unknown> | unknown[];
}

export interface DeclaredBrowse {
  objectNoun: string;
  tables(): BrowseCall[];
  describe(name: string): BrowseCall[];
  sample(name: string, page: { limit: number; offset: number }): BrowseCall;
  /** Why the module does not run it yet. */
  why: string;
}

const NOT_LIVE = 'no live instance of this engine on this machine to prove the answers against';
const clamp = (p: { limit: number; offset: number }) => ({ limit: Math.min(MAX_ROWS, Math.max(1, Math.floor(p.limit))), offset: Math.max(0, Math.floor(p.offset)) });
/** Index, collection and label names of the document, search and graph engines. */
const NAME = /^[A-Za-z_][A-Za-z0-9_.-]{0,127}$/;
const plain = (kind: string, name: string): string => {
  if (!NAME.test(name) || name.includes('..')) throw new AdapterInputError(`invalid ${kind} ${JSON.stringify(name)}: must match ${NAME}`);
  return name;
};
/** MSSQL brackets, ]] doubled. */
const sb = (id: string): string => `[${id.replace(/]/g, ']]')}]`;

/** SQL engines that follow information_schema (MSSQL, CockroachDB) or their own catalog. */
const mssql: DeclaredBrowse = {
  objectNoun: 'tables', why: NOT_LIVE,
  tables: () => [{ via: 'sql', text: 'SELECT TABLE_SCHEMA, TABLE_NAME, TABLE_TYPE FROM INFORMATION_SCHEMA.TABLES ORDER BY 1, 2' }],
  describe: (name) => {
    const { schema, table } = splitSqlName(name, 'dbo');
    return [{ via: 'sql', text: 'SELECT COLUMN_NAME, DATA_TYPE, IS_NULLABLE, COLUMN_DEFAULT FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = @p1 AND TABLE_NAME = @p2 ORDER BY ORDINAL_POSITION', params: [schema, table] },
      { via: 'sql', text: 'EXEC sp_help @objname', params: { objname: `${schema}.${table}` } }];
  },
  sample: (name, page) => {
    const { schema, table } = splitSqlName(name, 'dbo');
    const { limit, offset } = clamp(page);
    return { via: 'sql', text: `SELECT * FROM ${sb(schema)}.${sb(table)} ORDER BY (SELECT NULL) OFFSET ${offset} ROWS FETCH NEXT ${limit} ROWS ONLY` };
  },
};

const oracle: DeclaredBrowse = {
  objectNoun: 'tables', why: NOT_LIVE,
  tables: () => [{ via: 'sql', text: "SELECT owner, table_name FROM all_tables WHERE owner NOT IN ('SYS', 'SYSTEM') ORDER BY 1, 2" }],
  describe: (name) => {
    const { schema, table } = splitSqlName(name, 'APP');
    return [{ via: 'sql', text: 'SELECT column_name, data_type, nullable, data_default FROM all_tab_columns WHERE owner = :1 AND table_name = :2 ORDER BY column_id', params: [schema, table] }];
  },
  sample: (name, page) => {
    const { schema, table } = splitSqlName(name, 'APP');
    const { limit, offset } = clamp(page);
    return { via: 'sql', text: `SET TRANSACTION READ ONLY; SELECT * FROM ${dq(schema)}.${dq(table)} OFFSET ${offset} ROWS FETCH FIRST ${limit} ROWS ONLY` };
  },
};

const cockroachdb: DeclaredBrowse = {
  objectNoun: 'tables', why: NOT_LIVE,
  tables: () => [{ via: 'sql', text: "SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_schema NOT IN ('pg_catalog', 'information_schema', 'crdb_internal', 'pg_extension') ORDER BY 1, 2" }],
  describe: (name) => {
    const { schema, table } = splitSqlName(name, 'public');
    return [{ via: 'sql', text: `SHOW COLUMNS FROM ${dq(schema)}.${dq(table)}` }, { via: 'sql', text: `SHOW CREATE TABLE ${dq(schema)}.${dq(table)}` }];
  },
  sample: (name, page) => {
    const { schema, table } = splitSqlName(name, 'public');
    const { limit, offset } = clamp(page);
    return { via: 'sql', text: `BEGIN READ ONLY; SET LOCAL statement_timeout = '5s'; SELECT * FROM ${dq(schema)}.${dq(table)} LIMIT $1 OFFSET $2`, params: [limit, offset] };
  },
};

const questdb: DeclaredBrowse = {
  objectNoun: 'tables', why: NOT_LIVE,
  tables: () => [{ via: 'sql', text: 'SHOW TABLES' }],
  describe: (name) => [{ via: 'sql', text: `SHOW COLUMNS FROM ${dq(splitSqlName(name, 'qdb').table)}` }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'sql', text: `SELECT * FROM ${dq(splitSqlName(name, 'qdb').table)} LIMIT ${offset}, ${offset + limit}` };
  },
};

/** Cassandra and ScyllaDB: keyspace.table, CQL with paging by the driver's page state (no OFFSET). */
const cql: DeclaredBrowse = {
  objectNoun: 'tables', why: NOT_LIVE,
  tables: () => [{ via: 'cql', text: "SELECT keyspace_name, table_name FROM system_schema.tables WHERE keyspace_name NOT IN ('system', 'system_auth', 'system_schema', 'system_distributed', 'system_traces') ALLOW FILTERING" }],
  describe: (name) => {
    const { schema, table } = splitSqlName(name, 'app');
    return [{ via: 'cql', text: 'SELECT column_name, type, kind, position FROM system_schema.columns WHERE keyspace_name = ? AND table_name = ?', params: [schema, table] },
      { via: 'cql', text: `DESC TABLE ${dq(schema)}.${dq(table)}` }];
  },
  sample: (name, page) => {
    const { schema, table } = splitSqlName(name, 'app');
    const { limit, offset } = clamp(page);
    return { via: 'cql', text: `SELECT * FROM ${dq(schema)}.${dq(table)} LIMIT ${offset + limit}`, params: { skip: offset } };
  },
};

const mongodb: DeclaredBrowse = {
  objectNoun: 'collections', why: NOT_LIVE,
  tables: () => [{ via: 'mongosh', text: 'db.getCollectionNames()' }],
  describe: (name) => [{ via: 'mongosh', text: `db.getCollectionInfos({ name: ${JSON.stringify(plain('collection', name))} })` }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'mongosh', text: `db.getCollection(${JSON.stringify(plain('collection', name))}).find().skip(${offset}).limit(${limit})` };
  },
};

const http = (kind: string, tables: string, describe: (n: string) => string, sample: (n: string, l: number, o: number) => string): DeclaredBrowse => ({
  objectNoun: kind, why: NOT_LIVE,
  tables: () => [{ via: 'http', text: tables }],
  describe: (name) => [{ via: 'http', text: describe(encodeURIComponent(plain(kind, name))) }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'http', text: sample(encodeURIComponent(plain(kind, name)), limit, offset) };
  },
});

const arangodb: DeclaredBrowse = {
  objectNoun: 'collections', why: NOT_LIVE,
  tables: () => [{ via: 'http', text: 'GET /_api/collection?excludeSystem=true' }],
  describe: (name) => [{ via: 'http', text: `GET /_api/collection/${encodeURIComponent(plain('collection', name))}/properties` },
    { via: 'http', text: `GET /_api/index?collection=${encodeURIComponent(plain('collection', name))}` }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'aql', text: 'FOR d IN @@collection LIMIT @offset, @limit RETURN d', params: { '@collection': plain('collection', name), offset, limit } };
  },
};

const neo4j: DeclaredBrowse = {
  objectNoun: 'labels', why: NOT_LIVE,
  tables: () => [{ via: 'cypher', text: 'CALL db.labels()' }, { via: 'cypher', text: 'CALL db.relationshipTypes()' }],
  describe: (name) => [{ via: 'cypher', text: 'CALL db.schema.nodeTypeProperties() YIELD nodeLabels, propertyName, propertyTypes, mandatory WHERE $label IN nodeLabels RETURN *', params: { label: plain('label', name) } },
    { via: 'cypher', text: 'SHOW INDEXES' }, { via: 'cypher', text: 'SHOW CONSTRAINTS' }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'cypher', text: `MATCH (n:${bq(plain('label', name))}) RETURN n SKIP $offset LIMIT $limit`, params: { offset, limit } };
  },
};

const janusgraph: DeclaredBrowse = {
  objectNoun: 'vertex labels', why: NOT_LIVE,
  tables: () => [{ via: 'gremlin', text: 'mgmt = graph.openManagement(); mgmt.getVertexLabels().collect { it.name() }' }],
  describe: (name) => [{ via: 'gremlin', text: 'mgmt = graph.openManagement(); mgmt.printSchema()', params: { label: plain('label', name) } }],
  sample: (name, page) => {
    const { limit, offset } = clamp(page);
    return { via: 'gremlin', text: 'g.V().hasLabel(label).range(from, to).valueMap(true)', params: { label: plain('label', name), from: offset, to: offset + limit } };
  },
};

export const DECLARED_BROWSE: Readonly<Partial<Record<EngineId, DeclaredBrowse>>> = {
  mssql, oracle, cockroachdb, questdb, cassandra: cql, scylladb: cql, mongodb, arangodb, neo4j, janusgraph,
  couchdb: http('databases', 'GET /_all_dbs', (n) => `GET /${n}`, (n, l, o) => `GET /${n}/_all_docs?limit=${l}&skip=${o}&include_docs=true`),
  elasticsearch: http('indices', 'GET /_cat/indices?format=json', (n) => `GET /${n}/_mapping`, (n, l, o) => `GET /${n}/_search?size=${l}&from=${o}`),
  meilisearch: http('indexes', 'GET /indexes', (n) => `GET /indexes/${n}/settings`, (n, l, o) => `GET /indexes/${n}/documents?limit=${l}&offset=${o}`),
  typesense: http('collections', 'GET /collections', (n) => `GET /collections/${n}`,
    (n, l, o) => `GET /collections/${n}/documents/search?q=*&per_page=${Math.min(l, 250)}&page=${Math.floor(o / Math.min(l, 250)) + 1}`),
};
