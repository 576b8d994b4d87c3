import { Badge, Spinner } from '@radix-ui/themes';
import type { InstanceStatus } from '../../types/api';

type Color = 'green' | 'blue' | 'gray' | 'red' | 'orange' | 'amber';
// By name, not exhaustive: a status the module adds later still renders (gray) before the UI learns its colour.
const COLORS: Record<string, Color> = {
  running: 'green', creating: 'blue', starting: 'blue', restarting: 'blue', stopping: 'blue', deleting: 'blue', restoring: 'blue',
  stopped: 'gray', failed: 'red', missing: 'orange', degraded: 'amber', unhealthy: 'red',
};
const WORKING = new Set<string>(['creating', 'starting', 'restarting', 'stopping', 'deleting', 'restoring']);

/** An instance's status; a spinner while the module works on it. Fixed width: polling never shifts the row. */
export function StatusBadge({ status }: { status: InstanceStatus }) {
  return (
    <Badge color={COLORS[status] ?? 'gray'} variant="soft" highContrast className="status-badge">
      {WORKING.has(status) ? <Spinner size="1" /> : <span className="status-dot" aria-hidden />}
      {status}
    </Badge>
  );
}
