import { useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { AlertView } from '../types/api';
import { keys, POLL } from './keys';

/** Alerts, newest first: one instance's, or every instance's (null). */
export function useAlerts(instanceId: number | null, enabled = true) {
  return useQuery({
    queryKey: keys.alerts(instanceId),
    queryFn: ({ signal }) => api<AlertView[]>('/alerts', { query: { instance: instanceId ?? undefined, limit: 50 }, signal }),
    refetchInterval: POLL.alerts,
    enabled,
  });
}
