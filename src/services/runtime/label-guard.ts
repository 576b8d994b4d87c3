import { LABELS, MODULE_ID } from '../../constants.js';
import { conflict } from '../../errors.js';
import { isNotFound, runtimeError } from './runtime-errors.js';

/**
 * Throws 409 when the object exists but was not labelled by this module (the module never changes
 * what it did not create); a missing object passes, so removals stay idempotent.
 */
export async function requireModuleLabel(kind: string, name: string, labels: () => Promise<Record<string, string> | null | undefined>): Promise<void> {
  let found: Record<string, string> | null | undefined;
  try {
    found = await labels();
  } catch (e) {
    if (isNotFound(e)) return;
    throw runtimeError(`inspect ${kind}`, name, e);
  }
  if (found && found[LABELS.module] !== MODULE_ID) {
    throw conflict(`${kind} ${name} was not created by the databases module (no ${LABELS.module}=${MODULE_ID} label); leaving it alone`);
  }
}
