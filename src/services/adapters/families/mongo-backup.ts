import { Readable } from 'node:stream';
import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { BackupToolError } from '../roles/backup.js';
import { newerMajorRefused, parseCounts, runClient, runTool } from './backup-tools.js';
import type { EngineEndpoint } from './endpoint.js';

const PORT = 27017;
/** mongodump's archive magic number, 0x8199e26d little-endian. */
const ARCHIVE_MAGIC = Buffer.from([0x6d, 0xe2, 0x99, 0x81]);
/** Databases of the server itself; admin holds the users, which a restore must not replace. */
const SERVER_DATABASES = ['admin', 'config', 'local'];
/** What the tools' non-interactive prompt stops at or drops (mongo-tools common/password). */
const PROMPT_BREAKS = /[\r\n\x00\x03\x04\x08\x7f]/;

/** mongosh reads the credentials from its environment (it is a Node REPL): the script is a constant. */
const SIGN_IN = "if (db.getSiblingDB('admin').auth(process.env.FLUX_MONGO_USER, process.env.FLUX_MONGO_PASSWORD).ok !== 1) throw new Error('sign-in failed');";
export const COUNT_SCRIPT = `${SIGN_IN}
for (const d of db.adminCommand({ listDatabases: 1, nameOnly: true }).databases) {
  if (${JSON.stringify(SERVER_DATABASES)}.includes(d.name)) continue;
  const s = db.getSiblingDB(d.name);
  for (const c of s.getCollectionInfos({ type: 'collection' }, { nameOnly: true })) {
    if (!c.name.startsWith('system.')) print(d.name + '.' + c.name + '\\t' + s.getCollection(c.name).countDocuments({}));
  }
}`;
export const DROP_SCRIPT = `${SIGN_IN}
for (const d of db.adminCommand({ listDatabases: 1, nameOnly: true }).databases) {
  if (!${JSON.stringify(SERVER_DATABASES)}.includes(d.name)) db.getSiblingDB(d.name).dropDatabase();
}`;

const mongoshEnv = (e: EngineEndpoint) => ({ FLUX_MONGO_USER: e.username, FLUX_MONGO_PASSWORD: e.password });
const mongosh = (script: string) => ['mongosh', '--quiet', '--norc', '--host', '127.0.0.1', '--port', String(PORT), '--eval', script];
/** The tools' own connection options; the password is typed at their prompt (standard input). */
const toolArgs = (e: EngineEndpoint) => [`--host=127.0.0.1`, `--port=${PORT}`, `--username=${e.username}`, '--authenticationDatabase=admin'];

/** The password line the tools read from a standard input that is not a terminal, one byte at a time. */
function passwordLine(e: EngineEndpoint): Buffer {
  if (PROMPT_BREAKS.test(e.password)) throw new BackupToolError('mongodump', 'the password holds a character the tools\' password prompt cannot take', null);
  return Buffer.from(`${e.password}\n`, 'utf8');
}

/**
 * MongoDB (declared: no MongoDB runs where the module is verified): `mongodump --archive` with no
 * file name writes the archive to stdout, streamed into the snapshot; `mongorestore --archive`
 * reads it from stdin. The tools take no password from the environment, and argv is never used
 * for one: given --username without --password they prompt, and read the answer from a standard
 * input that is not a terminal one byte at a time, so the password line goes first on stdin and
 * the archive follows it untouched. User databases only: admin (the users), config and local stay.
 */
export class MongoBackup implements BackupRole {
  readonly tool = 'mongodump --archive (to stdout)';
  readonly format = 'mongodump archive (mongorestore --archive reads it)';
  readonly extension = '.archive';
  readonly restores = true;

  async dump(job: DumpJob): Promise<BackupFigures> {
    const e = job.endpoint;
    const low = await this.inventory(e);
    await runTool(e, {
      tool: 'mongodump', argv: ['mongodump', ...toolArgs(e), '--archive'],
      stdin: Readable.from([passwordLine(e)]), stdout: job.out, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
    return { low, high: await this.inventory(e) };
  }

  async restore(job: RestoreJob): Promise<void> {
    const e = job.endpoint;
    const password = passwordLine(e);
    if (job.replace) await runClient(e, 'mongosh', mongosh(DROP_SCRIPT), mongoshEnv(e));
    const input = job.input;
    const stdin = Readable.from((async function* () { yield password; yield* input; })());
    await runTool(e, {
      tool: 'mongorestore',
      argv: ['mongorestore', ...toolArgs(e), '--archive', ...(job.replace ? ['--drop'] : []), ...SERVER_DATABASES.map((d) => `--nsExclude=${d}.*`)],
      stdin, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
  }

  async inventory(e: EngineEndpoint): Promise<Inventory> {
    return parseCounts(await runClient(e, 'mongosh', mongosh(COUNT_SCRIPT), mongoshEnv(e), 3600_000));
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    return newerMajorRefused('MongoDB', snapshotVersion, instanceVersion);
  }

  looksLike(head: Buffer): boolean {
    return head.subarray(0, 4).equals(ARCHIVE_MAGIC);
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is a mongodump archive of the user databases of a MongoDB ${f.version} server (not admin, config, local).`,
      'Restore it with the stock mongorestore (MongoDB Database Tools); it asks for the password:',
      '',
      `  mongorestore --host=HOST --port=27017 --username=USER --authenticationDatabase=admin --archive=${f.file} --drop`,
      '',
      'mongorestore --archive=FILE --dryRun --verbose lists what the archive holds.',
    ];
  }
}
