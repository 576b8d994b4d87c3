import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, API_BASE } from '../lib/api';
import type { BackupPolicyBody, CloneBody, InstanceView, MessageBody, OperationView, SnapshotView } from '../types/api';
import { keys, POLL } from './keys';

interface SnapshotAccepted { message: string; snapshot: SnapshotView }
interface PolicyAnswer { policy: BackupPolicyBody | null; next_run_at: string | null }

/** Snapshots, newest first; polled fast while one runs (its bytes grow) or the instance restores. */
export function useSnapshots(id: number, restoring: boolean) {
  return useQuery({
    queryKey: keys.snapshots(id),
    queryFn: ({ signal }) => api<{ snapshots: SnapshotView[] }>(`/databases/${id}/snapshots`, { signal }).then((r) => r.snapshots),
    refetchInterval: (q) => (restoring || q.state.data?.some((s) => s.status === 'running') ? POLL.busy : POLL.backups),
  });
}

export function useBackupOperations(id: number) {
  return useQuery({
    queryKey: keys.backupOps(id),
    queryFn: ({ signal }) => api<{ operations: OperationView[] }>(`/databases/${id}/backups`, { signal }).then((r) => r.operations),
    refetchInterval: POLL.backups,
  });
}

/** After a backup write: the snapshots, the log and the instance (a restore moves its status). */
function useRefresh(id: number) {
  const client = useQueryClient();
  return () => {
    void client.invalidateQueries({ queryKey: keys.snapshots(id) });
    void client.invalidateQueries({ queryKey: keys.backupOps(id) });
    void client.invalidateQueries({ queryKey: keys.instance(id), exact: true });
  };
}

export type SnapshotAction = 'take' | 'restore' | 'drill' | 'cancel' | 'delete';

/** One mutation per snapshot action, so each control shows its own pending state and error. */
export function useSnapshotAction(id: number, action: SnapshotAction) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (sid?: number) => {
      switch (action) {
        case 'take': return api<SnapshotAccepted>(`/databases/${id}/snapshot`, { method: 'POST' });
        case 'restore': return api<SnapshotAccepted>(`/databases/${id}/restore/${sid}`, { method: 'POST' });
        case 'drill': return api<SnapshotAccepted>(`/databases/${id}/snapshots/${sid}/verify`, { method: 'POST' });
        case 'cancel': return api<SnapshotAccepted>(`/databases/${id}/snapshots/${sid}/cancel`, { method: 'POST' });
        case 'delete': return api<MessageBody>(`/databases/${id}/snapshots/${sid}`, { method: 'DELETE' });
      }
    },
    onSettled: refresh,
  });
}

/** Where the browser downloads a snapshot's zip (the session cookie authorises a GET). */
export const exportUrl = (id: number, sid: number) => `${API_BASE}/databases/${id}/export?snapshot_id=${sid}`;

export function useImportDump(id: number) {
  const refresh = useRefresh(id);
  return useMutation({
    mutationFn: (file: File) => api<SnapshotAccepted>(`/databases/${id}/import`, { method: 'POST', raw: file }),
    onSettled: refresh,
  });
}

export function useClone(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CloneBody) => api<{ message: string; snapshot_id: number; instance: InstanceView }>(`/databases/${id}/clone`, { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.instances, exact: true }),
  });
}

export function useBackupPolicy(id: number) {
  return useQuery({ queryKey: keys.backupPolicy(id), queryFn: ({ signal }) => api<PolicyAnswer>(`/databases/${id}/backup-policy`, { signal }) });
}

export function useSetBackupPolicy(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (policy: BackupPolicyBody | null) => (policy
      ? api<PolicyAnswer>(`/databases/${id}/backup-policy`, { method: 'PUT', body: policy })
      : api<PolicyAnswer>(`/databases/${id}/backup-policy`, { method: 'DELETE' })),
    onSuccess: (answer) => client.setQueryData(keys.backupPolicy(id), answer),
  });
}
