import type { Redis } from 'ioredis';

/**
 * The only commands the data browser sends (each flagged `readonly` by the server's COMMAND INFO,
 * which the podman tier checks), with the subcommands allowed where a command has several.
 * Redis has no read-only transaction: this list is what keeps the browser from writing.
 */
export const READ_COMMANDS: Readonly<Record<string, readonly string[] | true>> = {
  SCAN: true, EXISTS: true, TYPE: true, PTTL: true, STRLEN: true, GETRANGE: true, GET: true,
  HLEN: true, HSCAN: true, LLEN: true, LRANGE: true, SCARD: true, SSCAN: true, ZCARD: true, ZRANGE: true,
  XLEN: true, XRANGE: true,
  MEMORY: ['USAGE'], OBJECT: ['ENCODING'],
};

export class WriteRefused extends Error {
  constructor(command: string) {
    super(`the data browser sends only read commands; ${command} refused`);
    this.name = 'WriteRefused';
  }
}

type Arg = string | number | Buffer;

/** A Redis connection that sends only READ_COMMANDS, with binary-safe answers. */
export class ReadOnlyRedis {
  constructor(private readonly client: Redis) {}

  static check(command: string, args: readonly Arg[]): void {
    const name = command.toUpperCase();
    const allowed = READ_COMMANDS[name];
    const sub = String(args[0] ?? '').toUpperCase();
    if (!allowed) throw new WriteRefused(name);
    if (allowed !== true && !allowed.includes(sub)) throw new WriteRefused(`${name} ${sub}`);
  }

  /** One command; bulk strings come back as Buffers. */
  async send(command: string, ...args: Arg[]): Promise<unknown> {
    ReadOnlyRedis.check(command, args);
    return this.client.callBuffer(command, ...args);
  }

  /** Several commands in one round trip; a failed one is its Error in the answer. */
  async pipeline(commands: [string, ...Arg[]][]): Promise<unknown[]> {
    for (const [command, ...args] of commands) ReadOnlyRedis.check(command, args);
    const pipe = this.client.pipeline();
    for (const [command, ...args] of commands) pipe.callBuffer(command, ...args);
    const results = (await pipe.exec()) ?? [];
    return results.map(([err, value]) => err ?? value);
  }
}

/** A RESP answer (Buffer, number, array of them) as text, for names and numbers. */
export const str = (v: unknown): string => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v));
