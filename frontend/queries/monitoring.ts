import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { ConnectionView, HealthRange, HealthView, InspectView, LogsView, MetricsView, StatsView } from '../types/api';
import { keys, POLL } from './keys';

export function useConnection(id: number, enabled = true) {
  return useQuery({ queryKey: keys.connection(id), queryFn: () => api<ConnectionView>(`/databases/${id}/connection-string`), enabled });
}

export function useHealth(id: number, range: HealthRange) {
  return useQuery({
    queryKey: keys.health(id, range),
    queryFn: ({ signal }) => api<HealthView>(`/databases/${id}/health`, { query: { range }, signal }),
    refetchInterval: POLL.health,
    placeholderData: keepPreviousData,
  });
}

export function useLogs(id: number, level: string, lines: number, follow: boolean) {
  return useQuery({
    queryKey: keys.logs(id, level, lines),
    queryFn: ({ signal }) => api<LogsView>(`/databases/${id}/logs`, { query: { lines, level: level === 'all' ? undefined : level }, signal }),
    refetchInterval: follow ? POLL.logs : false,
    placeholderData: keepPreviousData,
  });
}

export function useStats(id: number, enabled: boolean) {
  return useQuery({ queryKey: keys.stats(id), queryFn: () => api<StatsView>(`/databases/${id}/stats`), refetchInterval: POLL.stats, enabled, retry: false });
}

export function useInspect(id: number, enabled: boolean) {
  return useQuery({ queryKey: keys.inspect(id), queryFn: () => api<InspectView>(`/databases/${id}/inspect`), enabled, retry: false });
}

export function useMetrics(id: number, range: HealthRange) {
  return useQuery({
    queryKey: keys.metrics(id, range),
    queryFn: ({ signal }) => api<MetricsView>(`/databases/${id}/metrics`, { query: { range }, signal }),
    refetchInterval: POLL.metrics,
    placeholderData: keepPreviousData,
  });
}
