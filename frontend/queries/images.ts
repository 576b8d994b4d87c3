import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../lib/api';
import type { ImageList, PullImageBody } from '../types/api';
import { keys, POLL } from './keys';

export function useImages() {
  return useQuery({
    queryKey: keys.images,
    queryFn: () => api<ImageList>('/images'),
    refetchInterval: (q) => (q.state.data?.images.some((i) => i.pull?.state === 'pulling') ? POLL.busy : POLL.system),
  });
}

export function usePullImage() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: PullImageBody) => api('/images/pull', { method: 'POST', body }),
    onSettled: () => client.invalidateQueries({ queryKey: keys.images }),
  });
}
