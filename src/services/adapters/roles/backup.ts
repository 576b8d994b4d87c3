/** Snapshots with the engine's native tool, and restores of them. */
export interface BackupRole {
  /** The native tool, as recorded on each snapshot (e.g. `pg_dump -Fc`). */
  readonly tool: string;
  /** Whether a snapshot can be restored into an instance of this engine. */
  readonly restores: boolean;
}
