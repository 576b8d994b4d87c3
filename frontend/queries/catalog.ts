import { useQuery } from '@tanstack/react-query';
import { api, API_BASE } from '../lib/api';
import type { EngineView, SkuTable, SystemInfo } from '../types/api';
import { keys, POLL } from './keys';

/** The catalogue changes only with a new module version: fetched once per page load. */
export function useEngines() {
  return useQuery({ queryKey: keys.engines, queryFn: () => api<EngineView[]>('/engines'), staleTime: Infinity });
}

export function useSkus() {
  return useQuery({ queryKey: keys.skus, queryFn: () => api<SkuTable>('/skus'), staleTime: Infinity });
}

export function useSystemInfo() {
  return useQuery({ queryKey: keys.systemInfo, queryFn: () => api<SystemInfo>('/system-info'), refetchInterval: POLL.system });
}

/** The served OpenAPI document (public): which routes work today, and the create body's patterns. */
export interface OpenApiDoc {
  paths: Record<string, Record<string, { responses?: Record<string, unknown>; requestBody?: { content?: Record<string, { schema?: JsonSchema }> } }>>;
}
export interface JsonSchema { properties?: Record<string, { pattern?: string; maxLength?: number; minimum?: number; maximum?: number }> }

export function useOpenApi() {
  return useQuery({ queryKey: keys.openapi, queryFn: () => api<OpenApiDoc>(`${API_BASE}/openapi.json`), staleTime: Infinity });
}
