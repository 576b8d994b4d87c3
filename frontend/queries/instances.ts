import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { ActionResult, CreateAccepted, CreateInstanceBody, InstanceView, MessageBody } from '../types/api';
import { keys, POLL } from './keys';

/** Statuses in which the module is working on the instance: poll faster to show each step. */
export const BUSY = new Set<string>(['creating', 'starting', 'stopping', 'restarting', 'deleting', 'restoring']);

export function useInstances() {
  return useQuery({
    queryKey: keys.instances,
    queryFn: ({ signal }) => api<InstanceView[]>('/databases', { signal }),
    refetchInterval: (q) => (q.state.data?.some((i) => BUSY.has(i.status)) ? POLL.busy : POLL.list),
  });
}

export function useInstance(id: number) {
  const client = useQueryClient();
  return useQuery({
    queryKey: keys.instance(id),
    queryFn: ({ signal }) => api<InstanceView>(`/databases/${id}`, { signal }),
    // The list already holds the row: show it at once, refresh behind it.
    initialData: () => client.getQueryData<InstanceView[]>(keys.instances)?.find((i) => i.id === id),
    initialDataUpdatedAt: () => client.getQueryState(keys.instances)?.dataUpdatedAt,
    refetchInterval: (q) => (q.state.data && BUSY.has(q.state.data.status) ? POLL.busy : POLL.list),
    retry: (n, err) => (err as { status?: number }).status !== 404 && n < 2,
  });
}

/** Puts a fresh row into the list and the instance's own query. */
function store(client: ReturnType<typeof useQueryClient>, row: InstanceView) {
  client.setQueryData<InstanceView>(keys.instance(row.id), row);
  client.setQueryData<InstanceView[]>(keys.instances, (list) =>
    list ? (list.some((i) => i.id === row.id) ? list.map((i) => (i.id === row.id ? row : i)) : [row, ...list]) : [row]);
}

export function useCreateInstance() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateInstanceBody) => api<CreateAccepted>('/databases', { method: 'POST', body }),
    onSuccess: (accepted) => store(client, accepted.instance),
  });
}

export type InstanceAction = 'start' | 'stop' | 'restart';

/** Start, stop or restart: the call answers once the engine answers (or stopped). */
export function useInstanceAction(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (action: InstanceAction) => api<ActionResult>(`/databases/${id}/${action}`, { method: 'POST' }),
    // The row moves to starting/stopping at once: show it while the call waits.
    onMutate: () => { setTimeout(() => void client.invalidateQueries({ queryKey: keys.instance(id), exact: true }), 300); },
    onSuccess: (result) => store(client, result.instance),
    onSettled: () => client.invalidateQueries({ queryKey: keys.instances }),
  });
}

export function useDeleteInstance(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (keepData: boolean) => api<MessageBody>(`/databases/${id}`, { method: 'DELETE', query: { keep_data: keepData || undefined } }),
    onSuccess: () => {
      client.setQueryData<InstanceView[]>(keys.instances, (list) => list?.filter((i) => i.id !== id));
      client.removeQueries({ queryKey: keys.instance(id) });
    },
    onSettled: () => client.invalidateQueries({ queryKey: keys.instances, exact: true }),
  });
}
