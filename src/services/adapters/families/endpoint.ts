import type { ExecOptions, ExecResult, StreamExecOptions, StreamExecResult } from '../../runtime/container-runtime.js';

/**
 * How the module reaches one instance's engine from the host, with its admin credentials: what
 * the engine roles (metrics, backup, browser, accounts) connect with. Built by the instance's
 * driver; secrets stay in memory and go to client libraries or exec environments, never argv.
 */
export interface EngineEndpoint {
  engine: string;
  version: string;
  /** 127.0.0.1 (the published ports) or the instance's VNet IP. */
  host: string;
  /** The host-side port for one of the engine's container ports. */
  port(containerPort: number): number;
  username: string;
  password: string;
  database: string;
  tls: boolean;
  /** Runs argv inside the instance's container, for what no host-side client can do. */
  exec(argv: string[], options?: ExecOptions): Promise<ExecResult>;
  /** Runs argv inside the container with stdout and stdin streamed (dumps, restores); absent without a container. */
  execStream?(argv: string[], io: StreamExecOptions): Promise<StreamExecResult>;
  /** Embedded engines: the file the instance is. */
  file?: string;
}

/** Self-signed certificates are the norm for instances: the module checks that the engine answers, not who signed it. */
export const UNVERIFIED_TLS = { rejectUnauthorized: false } as const;
