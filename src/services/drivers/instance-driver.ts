import type { InstanceRow, InstanceUpdate } from '../../db/schema.js';
import type { EngineEndpoint } from '../adapters/families/endpoint.js';
import type { ClientCommand, EngineAdapter, InstanceKind } from '../adapters/types.js';
import type { Sizing } from '../orchestration/sku-resources.js';
import type { ContainerInfo, ContainerStats, LogEntry } from '../runtime/container-runtime.js';

/** One outcome of asking the engine whether it answers. */
export interface ProbeOutcome {
  ok: boolean;
  message: string;
  elapsedMs: number;
}

/** What runs for an instance right now, as its driver sees it. */
export interface Observation {
  state: 'running' | 'stopped' | 'missing';
  /** The container this installation created for the row, when there is one. */
  containerId?: string;
  /** Podman's state name (exited, created ...), for messages. */
  detail?: string;
}

/** What a create hands the driver: the row as inserted, and what only exists during the create. */
export interface ProvisionJob {
  row: InstanceRow;
  adapter: EngineAdapter;
  sizing: Sizing;
  /** The admin password, generated and already stored encrypted. */
  password: string;
  tls?: { cert: string; key: string };
  /** Writes progress (and any columns the step learned) to the row. */
  progress(percent: number, message: string, patch?: Omit<InstanceUpdate, 'status'>): Promise<void>;
}

/** A create as checked before any row exists. */
export interface AdmissionRequest {
  adapter: EngineAdapter;
  containerName: string;
  databaseName: string;
  username: string;
  version: string;
  sizing: Sizing;
  vnetName: string | null;
}

/** What the row of an admitted create needs. */
export interface Admission {
  image: string;
  /** A host port on 127.0.0.1 (or 0.0.0.0) is published for the engine. */
  hostPort: boolean;
}

/** Connection details as the API returns them. */
export interface ConnectionView {
  engine: string;
  host: string | null;
  port: number | null;
  database: string;
  username: string | null;
  password?: string;
  path?: string;
  connection_string: string;
  /** Further ports a client may need (EnginePort.publish), by name: e.g. ClickHouse's native port. */
  ports?: Record<string, number>;
  /** Stock command-line clients that take no URI, ready to run (adapter clientCommands). */
  commands?: Record<string, ClientCommand>;
}

/**
 * How one kind of instance runs. The services choose a driver once from the adapter
 * (`DriverSet.for`) and never ask whether an engine is embedded.
 */
export interface InstanceDriver {
  readonly kind: InstanceKind;
  /** Checks a create (host capacity, the adapter's own plan checks: 400 now, not a failed row later). */
  admit(request: AdmissionRequest): Promise<Admission>;
  /** Creates what the instance runs on and resolves once the engine answers (first-start steps included). */
  provision(job: ProvisionJob): Promise<void>;
  /** Starts the engine and resolves when it answers. */
  start(row: InstanceRow): Promise<void>;
  stop(row: InstanceRow): Promise<void>;
  restart(row: InstanceRow): Promise<void>;
  /** Whether the engine answers right now (readiness after a crash, health checks). */
  probe(row: InstanceRow): Promise<ProbeOutcome>;
  observe(row: InstanceRow): Promise<Observation>;
  /** Removes what runs for the instance, and its data unless `keepData`. Safe to repeat. */
  remove(row: InstanceRow, options: { keepData: boolean }): Promise<void>;
  /** Called once the row is gone: frees what instances share (a VNet nobody uses any more). */
  released(row: InstanceRow): Promise<void>;
  logs(row: InstanceRow, options: { tail: number; since?: Date }): Promise<LogEntry[]>;
  stats(row: InstanceRow): Promise<ContainerStats>;
  inspect(row: InstanceRow): Promise<ContainerInfo>;
  connection(row: InstanceRow, password: string | undefined): ConnectionView;
  /** How the engine roles (metrics, backup, browser, accounts) reach the engine, with the admin credentials. */
  endpoint(row: InstanceRow): Promise<EngineEndpoint>;
}

/** The drivers of the module, one per instance kind. */
export class DriverSet {
  constructor(private readonly drivers: Record<InstanceKind, InstanceDriver>) {}

  for(adapter: Pick<EngineAdapter, 'kind'>): InstanceDriver {
    return this.drivers[adapter.kind];
  }
}
