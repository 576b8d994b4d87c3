import net from 'node:net';
import tls from 'node:tls';

/**
 * How a client starts TLS with the engine: at once (Redis, HTTPS), after PostgreSQL's SSLRequest,
 * or after MySQL's handshake packet and an SSL request packet.
 */
export type TlsStart = 'direct' | 'postgres' | 'mysql';

const PG_SSL_REQUEST = Buffer.from([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]);
// CLIENT_LONG_PASSWORD | CLIENT_PROTOCOL_41 | CLIENT_SSL | CLIENT_SECURE_CONNECTION
const MYSQL_CAPABILITIES = 0x1 | 0x200 | 0x800 | 0x8000;

/**
 * The SHA-256 fingerprint of the certificate the engine serves right now, read from a TLS
 * handshake of our own (no credentials sent). It proves a reload took the new certificate,
 * whoever issued it: the module's clients do not verify the chain.
 */
export async function servedFingerprint(host: string, port: number, start: TlsStart, timeoutMs = 10_000): Promise<string> {
  const socket = net.connect({ host, port });
  const timer = setTimeout(() => socket.destroy(new Error(`no TLS handshake with ${host}:${port} within ${timeoutMs} ms`)), timeoutMs);
  try {
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    if (start === 'postgres') await postgresPreamble(socket);
    if (start === 'mysql') await mysqlPreamble(socket);
    const secure = tls.connect({ socket, rejectUnauthorized: false, servername: net.isIP(host) ? undefined : host });
    await new Promise<void>((resolve, reject) => secure.once('secureConnect', resolve).once('error', reject));
    const fingerprint = secure.getPeerX509Certificate()?.fingerprint256;
    secure.destroy();
    if (!fingerprint) throw new Error(`${host}:${port} served no certificate`);
    return fingerprint;
  } finally {
    clearTimeout(timer);
    socket.destroy();
  }
}

function read(socket: net.Socket, bytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      got = Buffer.concat([got, chunk]);
      if (got.length < bytes) return;
      socket.off('data', onData).off('error', reject).off('close', onClose);
      socket.pause();
      if (got.length > bytes) socket.unshift(got.subarray(bytes));
      resolve(got.subarray(0, bytes));
    };
    const onClose = () => reject(new Error('the engine closed the connection before TLS started'));
    socket.on('data', onData).once('error', reject).once('close', onClose);
    socket.resume();
  });
}

async function postgresPreamble(socket: net.Socket): Promise<void> {
  socket.write(PG_SSL_REQUEST);
  const answer = (await read(socket, 1)).toString('latin1');
  if (answer !== 'S') throw new Error(`PostgreSQL answered the SSL request with ${JSON.stringify(answer)}: it does not serve TLS`);
}

/** Reads the server's greeting (one packet), answers with an SSL request (sequence 1). */
async function mysqlPreamble(socket: net.Socket): Promise<void> {
  const header = await read(socket, 4);
  const length = header.readUIntLE(0, 3);
  const greeting = await read(socket, length);
  if (greeting[0] === 0xff) throw new Error(`the server refused the connection: ${greeting.subarray(3).toString('utf8')}`);
  const request = Buffer.alloc(4 + 32);
  request.writeUIntLE(32, 0, 3);
  request[3] = 1;
  request.writeUInt32LE(MYSQL_CAPABILITIES, 4);
  request.writeUInt32LE(16 * 1024 * 1024, 8);
  request[12] = 45; // utf8mb4_general_ci
  socket.write(request);
}
