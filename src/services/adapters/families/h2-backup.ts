import type { BackupFigures, BackupRole, DumpJob, Inventory, RestoreJob, SnapshotFacts } from '../roles/backup.js';
import { parseCounts, runClient, runTool } from './backup-tools.js';
import type { EngineEndpoint } from './endpoint.js';
import { H2_BACKUP_PROGRAM } from './h2-backup-program.js';

/**
 * Finds the H2 jar (its path differs between images) and runs the module's program in source-file
 * mode with the arguments after the script; a constant string, no value is spliced into it.
 */
const RUN_PROGRAM = `jar=$(ls /opt/h2/bin/h2*.jar /usr/share/java/h2.jar 2>/dev/null | head -n 1); exec java -cp "$jar" ${H2_BACKUP_PROGRAM} "$@"`;
const program = (...args: string[]) => ['sh', '-c', RUN_PROGRAM, 'h2-backup', ...args];
/** A small heap of its own: the exec would otherwise inherit the server's -Xmx from the container. */
const env = (e: EngineEndpoint) => ({
  FLUX_H2_DATABASE: e.database, FLUX_H2_USER: e.username, FLUX_H2_PASSWORD: e.password, JAVA_TOOL_OPTIONS: '-Xmx128m -XX:TieredStopAtLevel=1',
});
const COUNTS = /FLUX-COUNTS\n([\s\S]*?)FLUX-END\n?$/;

/** major * 1000 + minor of `2.2.224`, `2.3`; NaN when there is none. */
const h2Release = (v: string) => {
  const m = /^(\d+)\.(\d+)/.exec(v);
  return m ? Number(m[1]) * 1000 + Number(m[2]) : Number.NaN;
};

/**
 * H2: its SCRIPT statement (the SQL script RUNSCRIPT and RunScript read back), taken by the module's
 * own small Java program inside the container (h2-backup-program.ts) over the TCP server and
 * streamed out of the exec's stdout; the row counts come from the same SNAPSHOT transaction, so
 * the figures are exact. H2's stock tools take the password only in argv, and its PostgreSQL-protocol
 * server cannot open a database made over JDBC (it opens with DATABASE_TO_LOWER), so neither is used.
 * A restore streams the script into the program's stdin (RunScript.execute) after DROP ALL OBJECTS.
 */
export class H2Backup implements BackupRole {
  readonly tool = 'SCRIPT (H2 SQL) through JDBC in the container';
  readonly format = 'H2 SQL script (the output of SCRIPT; RunScript reads it)';
  readonly extension = '.sql';
  readonly restores = true;

  async dump(job: DumpJob): Promise<BackupFigures> {
    const e = job.endpoint;
    const r = await runTool(e, { tool: 'H2 SCRIPT', argv: program('dump'), env: env(e), stdout: job.out, signal: job.signal, stallTimeoutMs: job.stallTimeoutMs });
    const counted = COUNTS.exec(r.stderr);
    if (counted) {
      const figures = parseCounts(counted[1]!);
      return { low: figures, high: figures };
    }
    // The counts were cut off the stderr tail (thousands of tables): counted again, after the dump.
    const after = await this.inventory(e);
    return { low: {}, high: after };
  }

  async restore(job: RestoreJob): Promise<void> {
    const e = job.endpoint;
    await runTool(e, {
      tool: 'H2 RunScript', argv: program('restore', ...(job.replace ? ['replace'] : [])), env: env(e), stdin: job.input,
      signal: job.signal, stallTimeoutMs: job.stallTimeoutMs,
    });
  }

  async inventory(e: EngineEndpoint): Promise<Inventory> {
    return parseCounts(await runClient(e, 'H2 count', program('count'), env(e), 3600_000));
  }

  refuses(snapshotVersion: string, instanceVersion: string): string | null {
    const [made, runs] = [h2Release(snapshotVersion), h2Release(instanceVersion)];
    if (Number.isNaN(made) || Number.isNaN(runs)) return snapshotVersion === instanceVersion ? null : `cannot compare H2 versions ${snapshotVersion} and ${instanceVersion}`;
    return made > runs ? `the snapshot was made on H2 ${snapshotVersion}, newer than this instance's ${instanceVersion}: an older H2 may not read its script` : null;
  }

  looksLike(head: Buffer): boolean {
    return head.toString('utf8').startsWith('-- H2 ');
  }

  restoreInstructions(f: SnapshotFacts): string[] {
    return [
      `${f.file} is the SQL script H2 ${f.version}'s SCRIPT statement wrote for the database "${f.database}"`,
      '(schema, data, sequences, and users with their password hashes). Restore it into a new, empty database',
      'with the H2 jar of the same or a newer version:',
      '',
      `  java -cp h2.jar org.h2.tools.RunScript -url jdbc:h2:/path/to/${f.database} -user USER -password PASSWORD -script ${f.file}`,
      '',
      `or, connected to a running server, RUNSCRIPT FROM '${f.file}' (a path the server can read).`,
    ];
  }
}
