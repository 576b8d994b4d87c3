import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { AuditRecordView, InstanceTlsView, TlsBody, TlsReplacedView } from '../types/security';
import { keys, POLL } from './keys';

/** The audit trail, newest first: every instance's (null) or one's, optionally one action. */
export function useAudit(instanceId: number | null, action: string) {
  return useQuery({
    queryKey: keys.audit(instanceId, action),
    queryFn: ({ signal }) => api<AuditRecordView[]>('/audit', { query: { instance: instanceId ?? undefined, action: action || undefined, limit: 200 }, signal }),
    refetchInterval: POLL.system,
  });
}

export function useInstanceTls(id: number) {
  return useQuery({ queryKey: keys.tls(id), queryFn: ({ signal }) => api<InstanceTlsView>(`/databases/${id}/tls`, { signal }) });
}

/** Replace the certificate: the operator's (both fields) or a new one from the module's CA (neither). */
export function useReplaceTls(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: TlsBody) => api<TlsReplacedView>(`/databases/${id}/tls`, { method: 'PUT', body }),
    onSuccess: (r) => client.setQueryData(keys.tls(id), r.tls),
    onSettled: () => client.invalidateQueries({ queryKey: keys.instance(id), exact: true }),
  });
}
