/**
 * What each engine that cannot run here answers to its metrics role, in the format its official
 * documentation gives (field names, output layout), at two moments: `step` 1 has every counter
 * higher than step 0, so rates come out. HTTP answers by path; exec answers by the program run.
 */
export interface Fixture {
  http?: (path: string, step: number) => unknown;
  exec?: (argv: string[], step: number) => string;
}

const n = (base: number, step: number) => base + step * 1000;

export const FIXTURES: Record<string, Fixture> = {
  // sqlcmd -h -1 -W -s '|': one line, no header.
  mssql: { exec: (_a, s) => `${3}|32767|${n(51234, s)}|${n(2, s)}|985|1000|${8 * 1024 * 1024 * 2}\n` },
  // sqlplus -S with HEADING OFF and COLSEP '|'.
  oracle: { exec: (_a, s) => `\n         4|       472|${n(12000, s)}|${n(40, s)}|${n(880000, s)}|${n(9100000, s)}|${n(52000, s)}|2147483648\n` },
  // cockroach sql --format=tsv: a header, then name<TAB>value.
  cockroachdb: {
    exec: (_a, s) => ['name\tvalue', 'sql.conns\t4', `sql.query.count\t${n(90000, s)}`, `sql.txn.commit.count\t${n(30000, s)}`,
      `sql.txn.rollback.count\t${n(20, s)}`, 'capacity.used\t73400320'].join('\n') + '\n',
  },
  // mongosh --quiet --eval print(JSON.stringify(...)): one JSON line (Long values in EJSON).
  mongodb: {
    exec: (_a, s) => `${JSON.stringify({
      connections: { current: 5, available: 838855 },
      opcounters: { insert: { $numberLong: String(n(100, s)) }, query: n(900, s), update: 10, delete: 1, getmore: 0, command: n(4000, s) },
      residentMb: 212, requested: n(50000, s), readIn: n(800, s), size: 1_310_720,
    })}\n`,
  },
  // nodetool info (Cassandra 5; Scylla's nodetool prints the same fields).
  cassandra: {
    exec: (_a, s) => [
      'ID                     : 4fd8e6c4-9d5a-4b2b-9f0e-6b8a0c1d2e3f', 'Gossip active          : true', 'Native Transport active: true',
      'Load                   : 109.81 KiB', 'Generation No          : 1733060000', 'Uptime (seconds)       : 3600',
      'Heap Memory (MB)       : 154.70 / 1004.00', 'Off Heap Memory (MB)   : 0.01', 'Data Center            : datacenter1', 'Rack                   : rack1',
      `Exceptions             : ${s}`,
      `Key Cache              : entries 11, size 896 bytes, capacity 50 MiB, ${n(57, s)} hits, ${n(73, s) + 10 * s} requests, 0.781 recent hit rate, 14400 save period in seconds`,
      'Row Cache              : entries 0, size 0 bytes, capacity 0 bytes, 0 hits, 0 requests, NaN recent hit rate, 0 save period in seconds',
    ].join('\n'),
  },
  // cypher-shell --format plain: a header line, then the values.
  neo4j: { exec: () => 'nodes, relationships, connections\n1200, 3400, 3\n' },
  couchdb: {
    http: (path, s) => (path.startsWith('/_node/')
      ? { couchdb: { httpd: { requests: { value: n(5000, s), type: 'counter' } }, open_databases: { value: 4, type: 'counter' }, open_os_files: { value: 9, type: 'counter' } } }
      : { db_name: 'app', doc_count: 42, doc_del_count: 0, sizes: { file: 196_918, external: 5_000, active: 20_000 } }),
  },
  arangodb: { http: (_p, s) => ({ client: { httpConnections: 3 }, http: { requestsTotal: n(12000, s) }, system: { residentSize: 300_000_000 }, error: false, code: 200 }) },
  // GET /exec: {"query", "columns", "dataset": [[...]], "count"}.
  questdb: {
    http: (path) => (path.includes('wal_tables')
      ? { query: 'SELECT ...', columns: [{ name: 'count', type: 'LONG' }, { name: 'sum', type: 'LONG' }, { name: 'sum1', type: 'LONG' }], dataset: [[3, 0, 2]], count: 1 }
      : { query: 'SELECT count() FROM tables()', columns: [{ name: 'count', type: 'LONG' }], dataset: [[5]], count: 1 }),
  },
  elasticsearch: {
    http: (_p, s) => ({
      _nodes: { total: 1, successful: 1, failed: 0 }, cluster_name: 'docker-cluster',
      nodes: { Xy1: {
        name: 'node-1', http: { current_open: 4, total_opened: 80 },
        indices: { docs: { count: 1500, deleted: 0 }, store: { size_in_bytes: 2_400_000 }, search: { query_total: n(300, s) }, indexing: { index_total: n(1500, s) } },
        jvm: { mem: { heap_used_in_bytes: 250_000_000, heap_max_in_bytes: 1_073_741_824 } },
      } },
    }),
  },
  meilisearch: { http: () => ({ databaseSize: 1_073_741_824, usedDatabaseSize: 4_096_000, lastUpdate: '2026-12-01T00:00:00Z', indexes: { movies: { numberOfDocuments: 19_547, isIndexing: false } } }) },
  typesense: {
    http: (path) => (path === '/metrics.json'
      ? { system_cpu_active_percentage: '3.4', system_disk_used_bytes: '9500000000', system_memory_used_bytes: '2000000000', typesense_memory_active_bytes: '35000000' }
      : path === '/stats.json'
        ? { total_requests_per_second: 12.5, search_requests_per_second: 10.5, write_requests_per_second: 2, latency_ms: {} }
        : [{ name: 'books', num_documents: 9979 }, { name: 'authors', num_documents: 21 }]),
  },
  // Gremlin Server over HTTP answers GraphSON 3.
  janusgraph: {
    http: () => ({
      requestId: 'r', status: { message: '', code: 200, attributes: { '@type': 'g:Map', '@value': [] } },
      result: { data: { '@type': 'g:List', '@value': [{ '@type': 'g:Map', '@value': [
        'heapUsed', { '@type': 'g:Int64', '@value': 150_000_000 }, 'heapMax', { '@type': 'g:Int64', '@value': 1_073_741_824 },
        'openTransactions', { '@type': 'g:Int32', '@value': 1 }] }] }, meta: { '@type': 'g:Map', '@value': [] } },
    }),
  },
};
FIXTURES.scylladb = FIXTURES.cassandra!;
