/**
 * An instance's statuses and the transitions allowed between them, in one place. Status writes
 * go through `repositories/instances.ts#transition`, which applies a move only when the row is
 * still in a status the move may start from (a compare-and-set in the store), so two actors
 * (a user's request, the reconciler, a health check) can never overwrite each other's decision.
 */
export const INSTANCE_STATUSES = [
  'creating', 'starting', 'running', 'stopping', 'stopped', 'restarting',
  'deleting', 'failed', 'missing', 'degraded', 'unhealthy', 'restoring',
] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** An operation of the module is under way; a crash leaves the row here for the reconciler to finish. */
export const IN_PROGRESS: ReadonlySet<InstanceStatus> = new Set(['creating', 'starting', 'restarting', 'stopping', 'deleting', 'restoring']);

/** The operator wants the engine up: a container found down is started again by the reconciler. */
export const MEANT_TO_RUN: ReadonlySet<InstanceStatus> = new Set(['running', 'degraded', 'unhealthy']);

/** Where each status may go. */
const NEXT: Record<InstanceStatus, readonly InstanceStatus[]> = {
  creating: ['starting', 'running', 'failed', 'deleting'],
  starting: ['running', 'failed', 'stopped', 'missing', 'deleting'],
  restarting: ['starting', 'running', 'failed', 'stopped', 'missing', 'deleting'],
  running: ['stopping', 'restarting', 'starting', 'degraded', 'unhealthy', 'missing', 'failed', 'deleting', 'restoring'],
  degraded: ['running', 'stopping', 'restarting', 'starting', 'unhealthy', 'missing', 'failed', 'deleting', 'restoring'],
  unhealthy: ['running', 'stopping', 'restarting', 'starting', 'degraded', 'missing', 'failed', 'deleting', 'restoring'],
  // A restore (or a clone's first fill) runs under the instance's lock; a crash leaves it for the reconciler to bring up.
  restoring: ['running', 'starting', 'stopped', 'failed', 'missing', 'deleting'],
  stopping: ['stopped', 'failed', 'missing', 'deleting'],
  stopped: ['starting', 'running', 'missing', 'failed', 'deleting'],
  failed: ['starting', 'running', 'stopping', 'stopped', 'missing', 'deleting'],
  missing: ['starting', 'running', 'stopped', 'failed', 'deleting'],
  deleting: [],
};

export function canTransition(from: InstanceStatus, to: InstanceStatus): boolean {
  return from === to || NEXT[from].includes(to);
}

/** The statuses from which `to` may be entered. */
export function sourcesOf(to: InstanceStatus): InstanceStatus[] {
  return INSTANCE_STATUSES.filter((from) => canTransition(from, to));
}

/** Actions an operator may start, by the status the instance is in. */
export function actionAllowed(action: 'start' | 'stop' | 'restart' | 'delete', status: InstanceStatus): boolean {
  switch (action) {
    case 'delete': return true;
    case 'start': return canTransition(status, 'starting') && status !== 'creating';
    case 'stop': return canTransition(status, 'stopping') || status === 'stopped';
    case 'restart': return canTransition(status, 'restarting');
  }
}
