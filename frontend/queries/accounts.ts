import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { CreatedUserView, CreateUserBody, DatabaseEntry, DatabasesView, RotateBody, RotationView, UsersView } from '../types/api';
import { keys } from './keys';

/** The engine's users beside the module's, and the drift between them. */
export function useUsers(id: number, enabled = true) {
  return useQuery({ queryKey: keys.users(id), queryFn: ({ signal }) => api<UsersView>(`/databases/${id}/users`, { signal }), enabled, retry: false });
}

export function useCreateUser(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateUserBody) => api<CreatedUserView>(`/databases/${id}/users`, { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.users(id) }),
  });
}

export function useDeleteUser(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<{ username: string; dropped_in_engine: boolean }>(`/databases/${id}/users/${encodeURIComponent(name)}`, { method: 'DELETE' }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.users(id) }),
  });
}

/** Rotate the admin's (no username) or a user's password; the answer carries the new one, once. */
export function useRotate(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: RotateBody) => api<RotationView>(`/databases/${id}/credentials/rotate`, { method: 'POST', body }),
    onSuccess: (r) => { if (r.connection) client.setQueryData(keys.connection(id), r.connection); },
    onSettled: () => client.invalidateQueries({ queryKey: keys.connection(id) }),
  });
}

export function useInnerDatabases(id: number, enabled = true) {
  return useQuery({ queryKey: keys.innerDatabases(id), queryFn: ({ signal }) => api<DatabasesView>(`/databases/${id}/databases`, { signal }), enabled, retry: false });
}

export function useCreateInnerDatabase(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<DatabaseEntry>(`/databases/${id}/databases`, { method: 'POST', body: { name } }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.innerDatabases(id) }),
  });
}

export function useDropInnerDatabase(id: number) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (name: string) => api<{ name: string; dropped: boolean }>(`/databases/${id}/databases/${encodeURIComponent(name)}`, { method: 'DELETE', query: { confirm: name } }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.innerDatabases(id) }),
  });
}
