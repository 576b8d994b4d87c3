import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { AlertRulesBody, AlertRulesView } from '../types/api';

const key = (id: number) => ['instances', id, 'alert-rules'] as const;

export function useAlertRules(id: number, enabled = true) {
  return useQuery({ queryKey: key(id), queryFn: ({ signal }) => api<AlertRulesView>(`/databases/${id}/alert-rules`, { signal }), enabled });
}

/** Replace the instance's overrides; `{}` restores every default. */
export function useSetAlertRules(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: AlertRulesBody) => api<AlertRulesView>(`/databases/${id}/alert-rules`, { method: 'PUT', body }),
    onSuccess: (view) => client.setQueryData(key(id), view),
  });
}
