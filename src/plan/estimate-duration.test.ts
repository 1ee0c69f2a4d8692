import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { plan } from './plan.js';
import { DEFAULT_STARTUP_SECONDS, SHUTDOWN_CAP_SECONDS, STEP_OVERHEAD_SECONDS, formatEstimate, observedStartupSeconds } from './estimate-duration.js';
import { SnapshotBuilder, makeSpec } from './testing/snapshot-builder.js';

function timed(pod: Pod, createdAt: string, readyAt: string): void {
  pod.metadata.creationTimestamp = createdAt;
  pod.status = { ...(pod.status ?? {}), phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: readyAt }] };
}

describe('observedStartupSeconds', () => {
  const base = (): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'd' }, spec: { containers: [] } });
  it.each([
    ['creation to Ready', '2026-01-01T00:00:00Z', '2026-01-01T00:00:12Z', 12],
    ['same instant is no measurement', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', undefined],
    ['Ready before creation is no measurement', '2026-01-01T00:00:10Z', '2026-01-01T00:00:00Z', undefined],
  ])('%s', (_n, created, ready, want) => {
    const p = base();
    timed(p, created, ready);
    expect(observedStartupSeconds(p)).toBe(want);
  });
  it('a restarted pod is measured from its latest container start', () => {
    const p = base();
    timed(p, '2026-01-01T00:00:00Z', '2026-01-01T01:00:05Z');
    p.status!.containerStatuses = [{ name: 'c', ready: true, restartCount: 2, state: { running: { startedAt: '2026-01-01T01:00:00Z' } } }];
    expect(observedStartupSeconds(p)).toBe(5);
  });
  it('not ready, or without timestamps: undefined', () => {
    const p = base();
    expect(observedStartupSeconds(p)).toBeUndefined();
    p.status = { conditions: [{ type: 'Ready', status: 'True' }] };
    expect(observedStartupSeconds(p)).toBeUndefined();
  });
});

describe('plan estimates', () => {
  const build = () => {
    const b = new SnapshotBuilder().node('a').node('b').node('c');
    return b;
  };

  it('a roll of 10 replicas with maxSurge 1 is ten rounds of the observed start-up', () => {
    const b = build();
    const dep = b.deployment('web', { nodes: ['a', 'b', 'b', 'b', 'b', 'c', 'c', 'c', 'c', 'c'], strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } });
    const snap = b.build();
    for (const p of snap.pods.filter((p) => p.metadata.name.startsWith('web'))) timed(p, '2026-01-01T00:00:00Z', '2026-01-01T00:00:06Z');
    void dep;
    const p = plan(makeSpec(['a'], { workloads: { overrides: [{ kind: 'Deployment', namespace: 'default', name: 'web', method: 'roll' }] } }), snap, { toolVersion: 't' });
    const a = p.waves[0]!.actions[0]!;
    expect(a.estimate).toMatchObject({ basis: 'observed', rounds: 10, startupSeconds: 6, observedPods: 10 });
    expect(a.estimate!.seconds).toBeCloseTo(10 * (6 + STEP_OVERHEAD_SECONDS) + SHUTDOWN_CAP_SECONDS, 5);
    // With whole grace periods (the default 30 s) the last shutdown is the bound.
    expect(a.estimate!.maxSeconds).toBeCloseTo(10 * (6 + STEP_OVERHEAD_SECONDS) + 30, 5);
    expect(a.estimate!.graceSeconds).toBe(30);
    expect(p.estimate!.basis).toBe('observed');
    expect(p.estimate!.caveats).toEqual([expect.stringMatching(/^Pods are assumed to shut down within 1 s of SIGTERM; if they use their whole terminationGracePeriodSeconds it takes up to ~2 min$/)]);
  });

  it('uses the stated default without timestamps, and says so', () => {
    const b = build();
    b.deployment('web', { nodes: ['a', 'b'] });
    const p = plan(makeSpec(['a']), b.build(), { toolVersion: 't' });
    const a = p.waves[0]!.actions[0]!;
    expect(a.method).toBe('surge');
    expect(a.estimate).toMatchObject({ basis: 'default', startupSeconds: DEFAULT_STARTUP_SECONDS, observedPods: 0 });
    expect(p.estimate!.basis).toBe('default');
    expect(p.estimate!.caveats[0]).toMatch(/No observed start-up time for 1 workload/);
  });

  it('StatefulSet evictions run one at a time, each shutdown + start-up + minReadySeconds', () => {
    const b = build();
    b.statefulSet('db', { nodes: ['a', 'a', 'b'] });
    const snap = b.build();
    snap.statefulSets[0]!.spec.minReadySeconds = 4;
    for (const p of snap.pods) timed(p, '2026-01-01T00:00:00Z', '2026-01-01T00:00:10Z');
    const p = plan(makeSpec(['a']), snap, { toolVersion: 't' });
    const a = p.waves[0]!.actions[0]!;
    expect(a.method).toBe('evict');
    expect(a.estimate).toMatchObject({ rounds: 2, minReadySeconds: 4, basis: 'observed' });
    expect(a.estimate!.seconds).toBeCloseTo(2 * (SHUTDOWN_CAP_SECONDS + 10 + 4 + STEP_OVERHEAD_SECONDS), 5);
  });

  it('afterEach without expectedDuration is unknown; with it, counted per node', () => {
    const b = build();
    b.deployment('web', { nodes: ['a', 'b'] });
    const unknown = plan(makeSpec(['a', 'b'], { afterEach: { command: ['x'], uncordon: true } }), b.build(), { toolVersion: 't' });
    expect(unknown.estimate!.basis).toBe('unknown');
    expect(unknown.estimate!.caveats.join(' ')).toMatch(/afterEach has no expectedDuration/);
    const known = plan(makeSpec(['a', 'b'], { afterEach: { command: ['x'], uncordon: true, expectedSeconds: 300 } }), b.build(), { toolVersion: 't' });
    expect(known.waves.every((w) => w.estimate!.afterEachSeconds === 300 && w.estimate!.afterEachBasis === 'spec')).toBe(true);
    expect(known.estimate!.seconds).toBeGreaterThan(600);
  });

  it('a maintenance that cannot finish inside its window is a warning naming the wave that would not start', () => {
    const b = build();
    b.deployment('web', { nodes: ['a', 'b'] });
    const spec = makeSpec(['a', 'b', 'c'], { afterEach: { command: ['x'], uncordon: true, expectedSeconds: 600 }, window: { notBefore: '2026-01-01T01:00:00Z', notAfter: '2026-01-01T01:15:00Z' } });
    const p = plan(spec, b.build(), { toolVersion: 't' });
    const f = p.findings.find((x) => x.code === 'WINDOW_TOO_SHORT');
    expect(f).toMatchObject({ severity: 'warning' });
    expect(f!.message).toMatch(/wave 3 would start after the window closes/);
    expect(p.applicable).toBe(true);
    const wide = plan({ ...spec, spec: { ...spec.spec, window: { notBefore: '2026-01-01T01:00:00Z', notAfter: '2026-01-01T03:00:00Z' } } }, b.build(), { toolVersion: 't' });
    expect(wide.findings.some((x) => x.code === 'WINDOW_TOO_SHORT')).toBe(false);
  });

  it.each([[4, '~4 s'], [0.2, '~1 s'], [180, '~3 min'], [14 * 60 + 10, '~14 min'], [2 * 3600 + 5 * 60, '~2 h 5 min']])('formatEstimate(%s) = %s', (s, want) => {
    expect(formatEstimate(s)).toBe(want);
  });
});
