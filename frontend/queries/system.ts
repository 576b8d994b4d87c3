import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { InstallAccepted, PodmanStatusView, RequirementsView, StatusView } from '../types/api';
import { keys, POLL } from './keys';

export function useRequirements() {
  return useQuery({ queryKey: keys.requirements, queryFn: () => api<RequirementsView>('/requirements'), refetchInterval: POLL.system });
}

export function useModuleStatus() {
  return useQuery({ queryKey: keys.status, queryFn: () => api<StatusView>('/status'), refetchInterval: POLL.system });
}

export function usePodmanStatus() {
  return useQuery({
    queryKey: keys.podman,
    queryFn: () => api<PodmanStatusView>('/podman/status'),
    refetchInterval: (q) => (q.state.data?.install?.state === 'running' ? POLL.install : POLL.system),
  });
}

/** Starts the module's Podman install job; 409 carries the commands to run as root instead. */
export function useInstallPodman() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api<InstallAccepted>('/podman/install', { method: 'POST' }),
    onSettled: () => Promise.all([
      client.invalidateQueries({ queryKey: keys.podman }),
      client.invalidateQueries({ queryKey: keys.requirements }),
    ]),
  });
}
