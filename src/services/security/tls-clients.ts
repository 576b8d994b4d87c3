/**
 * The file name connection strings and client commands give the CA certificate a client verifies
 * the instance with: GET /tls/ca saved as `ca.pem` in the client's working directory (or the
 * operator's own CA, for an operator-supplied certificate). Relative on purpose: the module
 * cannot know where a client keeps it.
 */
export const CLIENT_CA_FILE = 'ca.pem';

/**
 * The environment a Go or OpenSSL-based client (influx, clickhouse-client) reads its trusted CAs
 * from when it has no flag of its own for one.
 */
export const CLIENT_CA_ENV = { SSL_CERT_FILE: CLIENT_CA_FILE } as const;
