import net from 'node:net';

/** Bytes the kernel hands over per read: one buffer, reused for every read of the connection. */
const READ_BUFFER_BYTES = 256 * 1024;
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * A started exec's raw stream on a connection of its own. Reads land in one reused buffer (no
 * buffer per read, which on a dump's ~4 KiB writes was most of the module's CPU), so whatever a
 * reader keeps of `bytes` it must copy before it returns.
 */
export interface ExecConnection {
  socket: net.Socket;
  /**
   * Hands every read to `onBytes`, starting with the bytes that came with the answer's headers.
   * `onBytes` returns false to pause the connection (and so the process); `socket.resume()` goes on.
   */
  read(onBytes: (bytes: Buffer) => boolean): void;
}

/**
 * Starts exec `execId` the way `docker exec` does (POST /exec/{id}/start, upgraded to a raw
 * stream), on its own connection to the API socket instead of dockerode's, whose reads allocate.
 * The connection stays paused from the answer until `read` is called.
 */
export function startExec(socketPath: string, execId: string, signal?: AbortSignal): Promise<ExecConnection> {
  return new Promise((resolve, reject) => {
    const readBuffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    let header: Buffer = Buffer.alloc(0);
    let pending: Buffer | undefined;
    let reader: ((bytes: Buffer) => boolean) | undefined;
    let settled = false;

    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      socket.destroy();
      reject(err);
    };
    const onAbort = () => fail(new Error('starting the exec timed out'));

    const onHeaderBytes = (bytes: Buffer): boolean => {
      header = Buffer.concat([header, bytes]);
      const end = header.indexOf('\r\n\r\n');
      if (end < 0) {
        if (header.length > MAX_HEADER_BYTES) fail(new Error('the exec start answer has no end of headers'));
        return true;
      }
      const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(header.toString('latin1', 0, Math.min(end, 64)))?.[1]);
      if (status !== 101 && status !== 200) {
        fail(new Error(`the exec start was answered ${status || 'without a status'}: ${header.subarray(end + 4).toString('utf8').trim().slice(0, 500)}`));
        return false;
      }
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      pending = header.subarray(end + 4);
      resolve({ socket, read });
      return false;
    };

    const read = (onBytes: (bytes: Buffer) => boolean) => {
      reader = onBytes;
      const first = pending;
      pending = undefined;
      if (first && first.length > 0 && !onBytes(first)) return;
      socket.resume();
    };

    const socket = net.connect({
      path: socketPath,
      onread: {
        buffer: readBuffer,
        callback: (size: number, buffer: Uint8Array) => {
          const bytes = (buffer as Buffer).subarray(0, size);
          return reader ? reader(bytes) : onHeaderBytes(bytes);
        },
      },
    });
    signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('error', fail);
    socket.once('close', () => fail(new Error('the API socket closed before the exec started')));
    const body = JSON.stringify({ Detach: false, Tty: false });
    socket.write(
      `POST /exec/${encodeURIComponent(execId)}/start HTTP/1.1\r\nHost: podman\r\n` +
      'Content-Type: application/json\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n' +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}
