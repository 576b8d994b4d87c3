import type { EngineReading, Figure, MetricQuery, MetricsRole } from '../roles/metrics.js';
import type { EngineEndpoint } from './endpoint.js';
import { execText, num, pick } from './metrics-support.js';

/** Counts from the count store (no scan), and the server's connections; subqueries so an empty graph still gives one row. */
export const NEO4J_METRICS_CYPHER = 'CALL { MATCH (n) RETURN count(n) AS nodes } '
  + 'CALL { MATCH ()-[r]->() RETURN count(r) AS relationships } '
  + 'CALL { CALL dbms.listConnections() YIELD connectionId RETURN count(connectionId) AS connections } '
  + 'RETURN nodes, relationships, connections';

/** cypher-shell --format plain: a header line, then `1, 2, 3`. */
export function neo4jReading(stdout: string): EngineReading {
  const lines = stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const at = lines.findIndex((l) => l.startsWith('nodes'));
  const values = at >= 0 ? lines[at + 1]?.split(',').map((v) => num(v)) : undefined;
  if (!values) throw new Error(`cypher-shell printed no figures: ${stdout.trim().slice(0, 200)}`);
  const [nodes, relationships, connections] = values;
  // This cypher-shell session is one of them.
  return pick([['nodes', nodes], ['relationships', relationships], ['connections', connections === undefined ? undefined : Math.max(0, connections - 1)]]);
}

/** Neo4j with the image's cypher-shell over bolt inside the container, the password in NEO4J_PASSWORD. */
export class Neo4jMetrics implements MetricsRole {
  readonly figures = {
    connections: { kind: 'gauge', unit: 'count', description: 'bolt and HTTP connections open now (this sampling session not counted)' },
    nodes: { kind: 'gauge', unit: 'count', description: 'nodes in the graph' },
    relationships: { kind: 'gauge', unit: 'count', description: 'relationships in the graph' },
  } as const satisfies Record<string, Figure>;

  readonly queries: readonly MetricQuery[] = [{ via: 'exec', text: `cypher-shell --format plain ${NEO4J_METRICS_CYPHER}` }];

  async sample(ep: EngineEndpoint, signal: AbortSignal): Promise<EngineReading> {
    return neo4jReading(await execText(ep, signal,
      ['cypher-shell', '-a', 'bolt://127.0.0.1:7687', '-u', ep.username, '--format', 'plain', NEO4J_METRICS_CYPHER],
      { env: { NEO4J_PASSWORD: ep.password } }));
  }
}
