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
    expect(a.estimate).toMatchObject({ shutdownBasis: 'default', shutdownModel: 'graceful', shutdownSeconds: SHUTDOWN_CAP_SECONDS });
    expect(a.estimate!.preStopSeconds).toBeUndefined();
    expect(a.estimate!.formula).toMatch(/then shutdown 1 s \(default: exits within 1 s of SIGTERM\)$/);
    expect(p.estimate!.caveats).toEqual([
      'Pods of 1 workload(s) (Deployment default/web) are assumed to exit within 1 s of SIGTERM (no preStop sleep, no spec.estimate.shutdown); if they use their whole terminationGracePeriodSeconds it takes up to ~2 min (state it with spec.estimate.shutdown: whole-grace or a duration)',
    ]);
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

  /** web (surge, 2 pods, 1 on a) and db (StatefulSet evict, 1 on a), both with observed 5 s start-up and grace 5 s. */
  const graceful = () => {
    const b = build();
    b.deployment('web', { nodes: ['a', 'b'] });
    b.statefulSet('db', { nodes: ['a', 'b'] });
    const snap = b.build();
    for (const p of snap.pods) {
      timed(p, '2026-01-01T00:00:00Z', '2026-01-01T00:00:05Z');
      p.spec.terminationGracePeriodSeconds = 5;
    }
    return snap;
  };
  const est = (p: ReturnType<typeof plan>, name: string) => p.waves[0]!.actions.find((a) => a.workload.name === name)!.estimate!;

  it('a preStop sleep on the moved pods delays SIGTERM: observed, sleep + 1 s, capped by the grace period', () => {
    const snap = graceful();
    for (const p of snap.pods.filter((x) => x.metadata.name.startsWith('web'))) p.spec.containers[0]!.lifecycle = { preStop: { sleep: { seconds: 3 } } };
    for (const p of snap.pods.filter((x) => x.metadata.name.startsWith('db'))) p.spec.containers[0]!.lifecycle = { preStop: { exec: { command: ['/bin/sh', '-c', 'sleep 60; nginx -s quit'] } } };
    const p = plan(makeSpec(['a']), snap, { toolVersion: 't' });
    expect(est(p, 'web')).toMatchObject({ shutdownBasis: 'observed', shutdownModel: 'graceful', preStopSeconds: 3, shutdownSeconds: 3 + SHUTDOWN_CAP_SECONDS, graceSeconds: 5 });
    expect(est(p, 'web').seconds).toBeCloseTo(5 + 4 + 2 * STEP_OVERHEAD_SECONDS, 5);
    expect(est(p, 'web').formula).toMatch(/then shutdown 4 s \(preStop sleep 3 s, then exits within 1 s of SIGTERM\)/);
    // 60 s of sleep in a 5 s grace period: SIGTERM at 5 s, exit 1 s later (the kubelet allows 2).
    expect(est(p, 'db')).toMatchObject({ shutdownBasis: 'observed', preStopSeconds: 60, shutdownSeconds: 6 });
    expect(est(p, 'db').maxSeconds).toBe(Math.round((7 + 5 + STEP_OVERHEAD_SECONDS) * 10) / 10);
    // Nothing is left to the 1 s assumption: no caveat names it; the whole-grace bound is still given.
    expect(p.estimate!.caveats.join(' ')).not.toMatch(/assumed to exit/);
    expect(p.estimate!.caveats.join(' ')).toMatch(/^If the pods use their whole terminationGracePeriodSeconds it takes up to/);
  });

  it('spec.estimate.shutdown: whole-grace makes the likely figure the whole grace period', () => {
    const spec = makeSpec(['a'], { estimate: { shutdown: { model: 'whole-grace' }, overrides: [] } });
    const p = plan(spec, graceful(), { toolVersion: 't' });
    expect(est(p, 'web')).toMatchObject({ shutdownBasis: 'spec', shutdownModel: 'whole-grace', shutdownSeconds: 5 });
    expect(est(p, 'web').seconds).toBeCloseTo(5 + 5 + 2 * STEP_OVERHEAD_SECONDS, 5);
    expect(est(p, 'web').maxSeconds).toBe(est(p, 'web').seconds);
    expect(est(p, 'web').shutdownOverride).toBeUndefined();
    expect(est(p, 'web').formula).toMatch(/shutdown 5 s \(whole grace period 5 s, spec\.estimate\.shutdown\)/);
    expect(p.estimate!.seconds).toBe(p.estimate!.maxSeconds);
    expect(p.estimate!.caveats).toEqual([]);
  });

  it('an estimate override states one workload; the others keep the default, and the caveat names only them', () => {
    const spec = makeSpec(['a'], { estimate: { overrides: [{ kind: 'StatefulSet', namespace: 'default', name: 'db', shutdown: { model: 'duration', seconds: 3 } }] } });
    const p = plan(spec, graceful(), { toolVersion: 't' });
    expect(est(p, 'db')).toMatchObject({ shutdownBasis: 'spec', shutdownModel: 'duration', shutdownSeconds: 3, shutdownOverride: 1 });
    expect(est(p, 'db').seconds).toBe(Math.round((3 + 5 + STEP_OVERHEAD_SECONDS) * 10) / 10);
    expect(est(p, 'web')).toMatchObject({ shutdownBasis: 'default', shutdownSeconds: 1 });
    expect(p.estimate!.caveats.find((c) => c.includes('assumed to exit'))).toMatch(/^Pods of 1 workload\(s\) \(Deployment default\/web\)/);
  });

  it('is pure: the same spec and snapshot give the same estimates, and neither is changed', () => {
    const spec = makeSpec(['a'], { estimate: { shutdown: { model: 'duration', seconds: 2 }, overrides: [{ namespace: 'default', name: 'db', shutdown: { model: 'whole-grace' } }] } });
    const snap = graceful();
    const before = JSON.stringify([spec, snap]);
    const one = plan(spec, snap, { toolVersion: 't' });
    const two = plan(spec, snap, { toolVersion: 't' });
    expect(JSON.stringify(two.waves.map((w) => w.actions.map((a) => a.estimate)))).toBe(JSON.stringify(one.waves.map((w) => w.actions.map((a) => a.estimate))));
    expect(JSON.stringify([spec, snap])).toBe(before);
  });

  it.each([[4, '~4 s'], [0.2, '~1 s'], [180, '~3 min'], [14 * 60 + 10, '~14 min'], [2 * 3600 + 5 * 60, '~2 h 5 min']])('formatEstimate(%s) = %s', (s, want) => {
    expect(formatEstimate(s)).toBe(want);
  });
});
