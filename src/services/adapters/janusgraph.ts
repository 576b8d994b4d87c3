import { BaseAdapter, traits, jvmHeapMb, type PlanParts } from './base.js';
import { GremlinMetrics } from './families/gremlin-metrics.js';
import type { AdapterInput, ConnectionDetails, EngineCategory, EngineId, Probe, SizingInput } from './types.js';

/**
 * JanusGraph from docker.io/janusgraph/janusgraph (CONTRACTS §23 and its correction) with its
 * default embedded BerkeleyDB + Lucene backend. Gremlin Server has no authentication unless
 * configured with a credentials graph, which this adapter does not do: say so instead of
 * pretending, and the create checks refuse external access and VNets for it.
 */
export class JanusgraphAdapter extends BaseAdapter {
  readonly engine: EngineId = 'janusgraph';
  readonly displayName = 'JanusGraph';
  readonly description = 'Distributed graph database over Gremlin (embedded BerkeleyDB backend)';
  readonly category: EngineCategory = 'graph';
  readonly defaultImage = 'docker.io/janusgraph/janusgraph';
  readonly defaultVersion = '1.1.0';
  readonly versions: readonly string[] = ['1.1.0', '1.0.0'];
  readonly ports = [{ name: 'gremlin', containerPort: 8182, primary: true }];
  override readonly traits = traits({ hasAuthentication: false });
  override readonly unsupported = {
    authentication: 'Gremlin Server auth (SASL + credentials graph) is configuration-only and unverified; the server is open, so it is published on 127.0.0.1 only and never joins a VNet',
    databases: 'one graph per instance',
    users: 'no users without Gremlin Server authentication',
    backup: 'BerkeleyDB is copied with the server stopped, and g.io() writes a file inside the container: not offered',
    tls: 'keystore settings unverified; not wired',
  };
  override readonly minMemoryMb = 1024;
  override readonly startupTimeoutMs = 180_000;
  protected override readonly metricsRole = new GremlinMetrics();
  protected override readonly defaultPidsLimit = 4096;
  protected override readonly defaultStopTimeoutSeconds = 60;

  override memoryShares(s: SizingInput): Record<string, number> {
    return { heap: jvmHeapMb(s.memoryMb, 0.5) };
  }

  protected containerPlan(input: AdapterInput): PlanParts {
    const heap = this.memoryShares(input.sizing).heap;
    return {
      env: {
        JANUS_PROPS_TEMPLATE: 'berkeleyje-lucene',
        // janusgraph-server.sh puts conf/jvm-11.options (-Xms4096m -Xmx4096m -XX:+AlwaysPreTouch) on
        // the command line, which beats JAVA_TOOL_OPTIONS; JAVA_OPTIONS comes after it, so it wins.
        // No pre-touch: it would commit the whole heap at start.
        JAVA_OPTIONS: `-Xms${heap}m -Xmx${heap}m -XX:-AlwaysPreTouch`,
        // HTTP as well as WebSocket, so the probe and REST clients work.
        'gremlinserver.channelizer': 'org.apache.tinkerpop.gremlin.server.channel.WsAndHttpChannelizer',
      },
      // The image runs as janusgraph (999) already; --user avoids the root chroot path (SYS_CHROOT).
      user: '999:999',
      dataDir: '/var/lib/janusgraph',
    };
  }

  /** Host-side Gremlin over HTTP: 1+1 answers 200 only when the graph is open. */
  protected probe(_input: AdapterInput): Probe {
    return { kind: 'http', containerPort: 8182, path: '/?gremlin=1%2B1', expectStatus: [200] };
  }

  connectionUri(d: ConnectionDetails): string {
    return this.uri('ws', { ...d, username: '', password: undefined }, '/gremlin');
  }
}
