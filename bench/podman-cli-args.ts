import type { ContainerSpec } from '../src/services/runtime/container-runtime.js';

/** The `podman run -d` argv equivalent to a ContainerSpec, so the CLI path runs the same container. */
export function podmanRunArgs(spec: ContainerSpec): string[] {
  const r = spec.resources;
  const args = ['run', '-d', '--name', spec.name];
  for (const [k, v] of Object.entries(spec.labels)) args.push('--label', `${k}=${v}`);
  for (const [k, v] of Object.entries(spec.env)) args.push('-e', `${k}=${v}`);
  if (spec.entrypoint) args.push('--entrypoint', JSON.stringify(spec.entrypoint));
  if (spec.user) args.push('--user', spec.user);
  for (const p of spec.ports) args.push('-p', `${p.hostIp}:${p.hostPort}:${p.containerPort}/${p.protocol ?? 'tcp'}`);
  for (const m of spec.mounts) args.push('-v', `${m.source}:${m.target}:${[m.readOnly ? 'ro' : 'rw', ...(m.relabel ? ['Z'] : [])].join(',')}`);
  for (const [target, opts] of Object.entries(spec.tmpfs)) args.push('--tmpfs', `${target}:${opts}`);
  args.push(`--memory=${r.memoryBytes}b`, `--cpus=${r.nanoCpus / 1e9}`, `--pids-limit=${r.pidsLimit}`);
  if (r.cpuShares !== undefined) args.push(`--cpu-shares=${r.cpuShares}`);
  if (r.memorySwapBytes !== undefined) args.push(`--memory-swap=${r.memorySwapBytes}b`);
  if (r.memorySwappiness !== undefined) args.push(`--memory-swappiness=${r.memorySwappiness}`);
  if (r.oomScoreAdj !== undefined) args.push(`--oom-score-adj=${r.oomScoreAdj}`);
  args.push('--cap-drop=all', ...spec.capAdd.map((c) => `--cap-add=${c}`), '--security-opt=no-new-privileges');
  if (spec.readOnlyRootfs) args.push('--read-only');
  for (const u of spec.ulimits) args.push('--ulimit', `${u.name}=${u.soft}:${u.hard}`);
  args.push(`--restart=${spec.restartPolicy}`);
  if (spec.logMaxSizeBytes !== undefined) args.push('--log-driver=k8s-file', `--log-opt=max-size=${spec.logMaxSizeBytes}`);
  if (spec.shmSizeBytes !== undefined) args.push(`--shm-size=${spec.shmSizeBytes}b`);
  if (spec.stopTimeoutSeconds !== undefined) args.push(`--stop-timeout=${spec.stopTimeoutSeconds}`);
  if (spec.network) {
    args.push('--network', spec.network.name);
    if (spec.network.ipv4) args.push('--ip', spec.network.ipv4);
  }
  args.push(spec.image, ...(spec.cmd ?? []));
  return args;
}
