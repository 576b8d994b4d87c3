import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { ApiError, api, SESSION_URL, setCsrfToken } from '../lib/api';
import type { SessionView } from '../types/api';
import { keys } from './keys';

const WRITE = 'databases:write';

/** Another session's data must not show: drop every query but the session's own (its observers stay attached). */
function forgetOthers(client: ReturnType<typeof useQueryClient>) {
  client.removeQueries({ predicate: (q) => q.queryKey[0] !== keys.session[0] });
}

async function fetchSession(): Promise<SessionView | null> {
  try {
    const s = await api<SessionView>(SESSION_URL);
    setCsrfToken(s.csrf_token);
    return s;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      setCsrfToken(null);
      return null;
    }
    throw err;
  }
}

/** The browser session: null when signed out. */
export function useSession() {
  return useQuery({ queryKey: keys.session, queryFn: fetchSession, staleTime: Infinity, retry: false });
}

/** Whether the session may write: every write control is rendered only when this is true. */
export function useCanWrite(): boolean {
  const { data } = useSession();
  return !!data?.permissions.includes(WRITE);
}

/** Sign in with a pasted token or a one-time link's code. */
export function useSignIn() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: { token: string } | { code: string }) => api<SessionView>(SESSION_URL, { method: 'POST', body }),
    onSuccess: (session) => {
      setCsrfToken(session.csrf_token);
      forgetOthers(client);
      client.setQueryData(keys.session, session);
    },
  });
}

export function useSignOut() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: () => api(SESSION_URL, { method: 'DELETE' }),
    onSettled: () => {
      setCsrfToken(null);
      forgetOthers(client);
      client.setQueryData(keys.session, null);
    },
  });
}
