import type { ExecStep } from './types.js';

/**
 * Readiness checks run inside the container with bash's /dev/tcp, for engines whose image has no
 * client that keeps a password out of argv (ClickHouse 18.x, H2) or whose check is an HTTP call:
 * used when the host cannot reach the instance (a restore drill's container has no network; a
 * rootless VNet). Constant scripts; the port, path and credentials come from the environment.
 */
const TCP_OPEN = 'exec 3<>"/dev/tcp/127.0.0.1/$FLUX_PORT"';
const REQUEST = `printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\nAuthorization: %s\\r\\n\\r\\n' "$FLUX_PATH" "$FLUX_AUTH" >&3`;
const HTTP_GET = `${TCP_OPEN} || exit 1; ${REQUEST}; head -c 12 <&3`;
/** First the same request without credentials must be refused (401): a server with authentication on answers. */
const ANONYMOUS = `printf 'GET %s HTTP/1.0\\r\\nHost: 127.0.0.1\\r\\n\\r\\n' "$FLUX_PATH" >&3`;
const HTTP_GET_AUTH_ON = `${TCP_OPEN} || exit 1; ${ANONYMOUS}; case "$(head -c 12 <&3)" in *' 401') ;; *) exit 1 ;; esac; ${HTTP_GET}`;

/** The port accepts connections. */
export function tcpInsideProbe(port: number): ExecStep {
  return { kind: 'exec', argv: ['bash', '-c', TCP_OPEN], env: { FLUX_PORT: String(port) } };
}

/**
 * GET `path` with an Authorization header answers 200; over TLS (no client for it here) the port is
 * open. `authOn`: and without credentials it is refused, so an entrypoint's temporary server with
 * authentication off (InfluxDB 1.x's init) is not taken for the instance.
 */
export function httpInsideProbe(port: number, path: string, authorization: string, tls: boolean, authOn = false): ExecStep {
  if (tls) return tcpInsideProbe(port);
  return {
    kind: 'exec', argv: ['bash', '-c', authOn ? HTTP_GET_AUTH_ON : HTTP_GET], env: { FLUX_PORT: String(port), FLUX_PATH: path, FLUX_AUTH: authorization },
    expectStdout: /^HTTP\/1\.[01] 200/,
  };
}
