import { describe, expect, it } from 'vitest';
import { parseContainersConf, renderDropIn } from '../../src/services/podman/containers-conf.js';
import { detectPitfalls, type PitfallFacts } from '../../src/services/podman/pitfalls.js';

const host = (over: Partial<PitfallFacts> = {}): PitfallFacts => ({
  installed: true, rootless: false, cgroupVersion: 'hybrid', ociRuntime: 'runc', runcAvailable: true,
  nofileHard: 20000, nprocCeiling: 32768, configuredNofile: null, configuredNproc: null, configuredRuntime: null, ...over,
});

describe('detectPitfalls (the measured failures)', () => {
  it('pins runc on hybrid cgroups and fails crun there', () => {
    const withCrun = detectPitfalls(host({ ociRuntime: 'crun' }));
    expect(withCrun.dropIn.runtime).toBe('runc');
    expect(withCrun.issues.find((i) => i.id === 'oci_runtime')).toMatchObject({ severity: 'fail' });
    expect(detectPitfalls(host()).dropIn.runtime).toBe('runc');
    expect(detectPitfalls(host({ configuredRuntime: 'runc' })).dropIn.runtime).toBeUndefined();
    expect(detectPitfalls(host({ cgroupVersion: 'v2', ociRuntime: 'crun' })).dropIn.runtime).toBeUndefined();
  });

  it('lowers nofile and nproc to what the host grants', () => {
    const { issues, dropIn } = detectPitfalls(host());
    expect(dropIn).toMatchObject({ nofile: 20000, nproc: 32768 });
    expect(issues.map((i) => i.id)).toEqual(['nofile', 'nproc']);
    const fixed = detectPitfalls(host({ configuredNofile: { soft: 20000, hard: 20000 }, configuredNproc: { soft: 32768, hard: 32768 } }));
    expect(fixed.issues).toEqual([]);
    expect(detectPitfalls(host({ nofileHard: 1_048_576, nprocCeiling: 4_194_304 })).issues).toEqual([]);
  });

  it('rootless Podman clamps to the limits itself, but cannot enforce limits on v1', () => {
    const { issues, dropIn } = detectPitfalls(host({ rootless: true }));
    expect(dropIn.nofile).toBeUndefined();
    expect(issues.map((i) => i.id)).toEqual(['cgroup_limits']);
  });

  it('warns when the hard nofile limit is below what engines need', () => {
    expect(detectPitfalls(host({ nofileHard: 4096 })).issues.map((i) => i.id)).toContain('nofile_low');
  });
});

describe('containers.conf', () => {
  it('renders a drop-in that parses back', () => {
    const text = renderDropIn({ runtime: 'runc', nofile: 20000, nproc: 32768 });
    expect(text).toContain('default_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]');
    expect(parseContainersConf(text)).toEqual({ nofile: { soft: 20000, hard: 20000 }, nproc: { soft: 32768, hard: 32768 }, runtime: 'runc' });
  });

  it('reads multi-line arrays and ignores other sections and comments', () => {
    const text = `[containers]\n# default_ulimits = ["nofile=1:1"]\ndefault_ulimits = [\n  "nofile=1024:2048",\n]\n[engine]\nruntime = "crun"\n[network]\nruntime = "x"\n`;
    expect(parseContainersConf(text)).toEqual({ nofile: { soft: 1024, hard: 2048 }, nproc: null, runtime: 'crun' });
  });
});
