/**
 * An engine's refusal of an account operation, classified so the API answers with the right
 * status: `conflict` (the name exists: 409), `missing` (no such user or database: 404),
 * `unsupported` (this instance's engine version has no such operation: 400), `refused`
 * (anything else the engine said no to: 502). The message is the engine's reason,
 * already free of secrets (statements carry passwords as parameters or hashes, and the service
 * masks them again before anything is logged or answered).
 */
export class EngineRefusal extends Error {
  constructor(readonly kind: 'conflict' | 'missing' | 'unsupported' | 'refused', message: string) {
    super(message);
    this.name = 'EngineRefusal';
  }
}

/** Sorts an engine error by its code into a refusal; errors without a known code (network, timeouts) pass through. */
export function classify(err: unknown, codes: { conflict?: readonly (string | number)[]; missing?: readonly (string | number)[]; refused?: readonly (string | number)[] }): unknown {
  const e = err as { code?: string | number; errno?: number; message?: string };
  const code = e?.code ?? e?.errno;
  if (code === undefined) return err;
  const message = String(e.message ?? err).split('\n')[0]!.slice(0, 300);
  for (const kind of ['conflict', 'missing', 'refused'] as const) {
    if (codes[kind]?.includes(code) || (typeof e.errno === 'number' && codes[kind]?.includes(e.errno))) return new EngineRefusal(kind, message);
  }
  return err;
}
