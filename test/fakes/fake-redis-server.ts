import net from 'node:net';

/**
 * A tiny server speaking the Redis protocol (RESP2) with the ACL commands account operations
 * send: AUTH, PING, ACL SETUSER / USERS / DELUSER. It lets the fast tests drive the module's
 * real ioredis code path and script an engine that misbehaves: after `freezeLogins()` it takes
 * ACL SETUSER but keeps signing users in with the passwords they had (so the check after a
 * rotation fails), `refuseSetuser` answers it with an error.
 */
export class FakeRedisServer {
  /** Passwords per user, as the ACL holds them. */
  readonly users = new Map<string, Set<string>>();
  readonly commands: string[][] = [];
  refuseSetuser = false;
  /** The logins AUTH checks once frozen; null: the ACL as it is. */
  private logins: Map<string, Set<string>> | null = null;
  private readonly server = net.createServer((socket) => this.serve(socket));

  constructor(adminPassword: string) {
    this.users.set('default', new Set([adminPassword]));
  }

  listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
  }

  freezeLogins(): void {
    this.logins = new Map([...this.users].map(([u, p]) => [u, new Set(p)]));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    let buffer = Buffer.alloc(0);
    let authed = false;
    socket.on('error', () => undefined);
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const parsed = parse(buffer);
        if (!parsed) return;
        buffer = buffer.subarray(parsed.used);
        const [name = '', ...args] = parsed.args;
        this.commands.push(parsed.args);
        const cmd = name.toUpperCase();
        const reply = (s: string) => socket.write(s);
        if (cmd === 'AUTH') {
          const [user, pass] = args.length === 1 ? ['default', args[0]!] : [args[0]!, args[1]!];
          const known = (this.logins ?? this.users).get(user);
          authed = Boolean(known?.has(pass));
          reply(authed ? '+OK\r\n' : '-WRONGPASS invalid username-password pair or user is disabled.\r\n');
        } else if (!authed) {
          reply('-NOAUTH Authentication required.\r\n');
        } else if (cmd === 'PING') {
          reply('+PONG\r\n');
        } else if (cmd === 'ACL' && args[0]?.toUpperCase() === 'SETUSER') {
          if (this.refuseSetuser) { reply('-ERR the fake engine refuses ACL SETUSER\r\n'); continue; }
          const [, user = '', ...rules] = args;
          const passwords = new Set(this.users.get(user) ?? []);
          for (const r of rules) {
            if (r === 'reset' || r === 'resetpass') passwords.clear();
            else if (r.startsWith('>')) passwords.add(r.slice(1));
            else if (r.startsWith('<')) passwords.delete(r.slice(1));
          }
          this.users.set(user, passwords);
          reply('+OK\r\n');
        } else if (cmd === 'ACL' && args[0]?.toUpperCase() === 'USERS') {
          const names = [...this.users.keys()];
          reply(`*${names.length}\r\n${names.map((n) => `$${Buffer.byteLength(n)}\r\n${n}\r\n`).join('')}`);
        } else if (cmd === 'ACL' && args[0]?.toUpperCase() === 'DELUSER') {
          reply(`:${this.users.delete(args[1] ?? '') ? 1 : 0}\r\n`);
        } else {
          reply(`-ERR unknown command '${name}'\r\n`);
        }
      }
    });
  }
}

/** One RESP array of bulk strings from the front of `b`, or null when it is not complete yet. */
function parse(b: Buffer): { args: string[]; used: number } | null {
  const text = b.toString('latin1');
  if (!text.startsWith('*')) return null;
  let at = text.indexOf('\r\n');
  if (at < 0) return null;
  const count = Number(text.slice(1, at));
  let pos = at + 2;
  const args: string[] = [];
  for (let i = 0; i < count; i++) {
    at = text.indexOf('\r\n', pos);
    if (at < 0) return null;
    const len = Number(text.slice(pos + 1, at));
    if (text.length < at + 2 + len + 2) return null;
    args.push(b.subarray(at + 2, at + 2 + len).toString('utf8'));
    pos = at + 2 + len + 2;
  }
  return { args, used: pos };
}
