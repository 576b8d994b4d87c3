/** The data browser: tables, their schema and sample rows, read-only. */
export interface BrowserRole {
  /** What the engine calls its tables (tables, measurements, keys ...), for the UI. */
  readonly objectNoun: string;
}
