import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { TableDataView, TableSchemaView, TablesView } from '../types/api';
import { keys } from './keys';

/** The engine's tables (or a key scan page for key-value engines: pattern and cursor). */
export function useTables(id: number, pattern: string, cursor: string | null) {
  return useQuery({
    queryKey: [...keys.tables(id, pattern), cursor],
    queryFn: ({ signal }) => api<TablesView>(`/databases/${id}/tables`, { query: { pattern: pattern || undefined, cursor: cursor ?? undefined }, signal }),
    placeholderData: keepPreviousData,
  });
}

export function useTableSchema(id: number, ref: string | null) {
  return useQuery({
    queryKey: keys.tableSchema(id, ref ?? ''),
    queryFn: ({ signal }) => api<TableSchemaView>(`/databases/${id}/tables/${encodeURIComponent(ref!)}/schema`, { signal }),
    enabled: ref !== null,
  });
}

export interface SamplePage { limit: number; offset: number; order: string | null }

export function useTableData(id: number, ref: string | null, page: SamplePage) {
  return useQuery({
    queryKey: keys.tableData(id, ref ?? '', page),
    queryFn: ({ signal }) => api<TableDataView>(`/databases/${id}/tables/${encodeURIComponent(ref!)}/data`, {
      query: { limit: page.limit, offset: page.offset, order: page.order ?? undefined }, signal,
    }),
    enabled: ref !== null,
    placeholderData: keepPreviousData,
  });
}
