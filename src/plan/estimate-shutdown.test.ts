import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import type { MaintenanceSpec } from '../model/spec.js';
import { KUBELET_MIN_GRACE_SECONDS, SHUTDOWN_CAP_SECONDS, estimateShutdown, podsPreStopSeconds, preStopSleepSeconds, shutdownStatementFor } from './estimate-shutdown.js';
import { makeSpec } from './testing/snapshot-builder.js';

const exec = (...command: unknown[]) => ({ name: 'c', lifecycle: { preStop: { exec: { command } } } });

describe('preStopSleepSeconds', () => {
  it.each<[string, unknown, number | undefined]>([
    ['no lifecycle', { name: 'c' }, undefined],
    ['PodLifecycleSleepAction', { name: 'c', lifecycle: { preStop: { sleep: { seconds: 15 } } } }, 15],
    ['sleep of 0 s', { name: 'c', lifecycle: { preStop: { sleep: { seconds: 0 } } } }, 0],
    ['negative sleep is not read', { name: 'c', lifecycle: { preStop: { sleep: { seconds: -1 } } } }, undefined],
    ['exec sleep N', exec('sleep', '10'), 10],
    ['exec /bin/sleep with a unit', exec('/bin/sleep', '1m'), 60],
    ['exec sleep with a fraction', exec('sleep', '2.5'), 2.5],
    ['exec sleep with two arguments is not read', exec('sleep', '1', '2'), undefined],
    ['exec sleep infinity is not read', exec('sleep', 'infinity'), undefined],
    ['exec sleep of a variable is not read', exec('sleep', '$T'), undefined],
    ['shell script that is a sleep', exec('/bin/sh', '-c', 'sleep 5'), 5],
    ['shell script that begins with a sleep', exec('bash', '-c', 'sleep 20 && nginx -s quit'), 20],
    ['shell script: sleep; then a command', exec('sh', '-c', ' sleep 3; kill -TERM 1'), 3],
    ['shell script that sleeps in the background is not read', exec('sh', '-c', 'sleep 5 & wait'), undefined],
    ['shell script that sleeps later is not read', exec('sh', '-c', 'nginx -s quit; sleep 5'), undefined],
    ['shell without -c is not read', exec('sh', 'script.sh'), undefined],
    ['an unknown program is not read', exec('/drain.sh', '10'), undefined],
    ['httpGet has no knowable length', { name: 'c', lifecycle: { preStop: { httpGet: { path: '/quit', port: 8080 } } } }, undefined],
    ['a malformed command is not read', exec('sleep', 10), undefined],
  ])('%s', (_n, container, want) => {
    expect(preStopSleepSeconds(container)).toBe(want);
  });

  it('takes the longest over the pods and their containers (they stop at once)', () => {
    const pod = (containers: unknown[]): Pod => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers } } as unknown as Pod);
    expect(podsPreStopSeconds([pod([{ name: 'a' }])])).toBeUndefined();
    expect(podsPreStopSeconds([pod([exec('sleep', '3'), { name: 'b' }]), pod([{ name: 'a', lifecycle: { preStop: { sleep: { seconds: 7 } } } }])])).toBe(7);
  });
});

describe('estimateShutdown', () => {
  it.each<[string, number, number | undefined, { statement?: NonNullable<MaintenanceSpec['spec']['estimate']>['shutdown']; override?: number }, { seconds: number; maxSeconds: number; basis: string; model: string }, RegExp]>([
    ['nothing known: the stated default', 30, undefined, {}, { seconds: SHUTDOWN_CAP_SECONDS, maxSeconds: 30, basis: 'default', model: 'graceful' }, /^default: exits within 1 s of SIGTERM$/],
    ['grace 0: removed at once', 0, undefined, {}, { seconds: 0, maxSeconds: 0, basis: 'default', model: 'graceful' }, /default/],
    ['grace 1: the kubelet still waits 2 s before SIGKILL', 1, undefined, {}, { seconds: 1, maxSeconds: KUBELET_MIN_GRACE_SECONDS, basis: 'default', model: 'graceful' }, /default/],
    ['a preStop sleep delays SIGTERM', 30, 10, {}, { seconds: 11, maxSeconds: 30, basis: 'observed', model: 'graceful' }, /^preStop sleep 10 s, then exits within 1 s of SIGTERM$/],
    ['a preStop sleep longer than the grace period is ended by it (then 2 s more at most)', 5, 10, {}, { seconds: 6, maxSeconds: 7, basis: 'observed', model: 'graceful' }, /ended by the grace period 5 s/],
    ['spec: whole grace', 5, undefined, { statement: { model: 'whole-grace' } }, { seconds: 5, maxSeconds: 5, basis: 'spec', model: 'whole-grace' }, /^whole grace period 5 s, spec\.estimate\.shutdown$/],
    ['spec: whole grace from an override', 30, 10, { statement: { model: 'whole-grace' }, override: 2 }, { seconds: 30, maxSeconds: 30, basis: 'spec', model: 'whole-grace' }, /spec\.estimate\.overrides\[1\]/],
    ['spec: whole grace after a preStop sleep that leaves less than 2 s', 5, 4, { statement: { model: 'whole-grace' } }, { seconds: 6, maxSeconds: 6, basis: 'spec', model: 'whole-grace' }, /^whole grace period 5 s \+ 1 s \(the kubelet allows 2 s after SIGTERM\), spec\.estimate\.shutdown$/],
    ['spec: a duration', 30, undefined, { statement: { model: 'duration', seconds: 12 } }, { seconds: 12, maxSeconds: 30, basis: 'spec', model: 'duration' }, /^12 s per spec\.estimate\.shutdown$/],
    ['spec: a duration is capped by the grace period', 5, undefined, { statement: { model: 'duration', seconds: 12 } }, { seconds: 5, maxSeconds: 5, basis: 'spec', model: 'duration' }, /capped by the grace period 5 s/],
    ['spec: a duration shorter than the preStop sleep is raised to it', 30, 10, { statement: { model: 'duration', seconds: 3 } }, { seconds: 10, maxSeconds: 30, basis: 'spec', model: 'duration' }, /raised to the preStop sleep 10 s/],
    ['spec: graceful, stated', 30, undefined, { statement: { model: 'graceful' } }, { seconds: 1, maxSeconds: 30, basis: 'spec', model: 'graceful' }, /^graceful per spec\.estimate\.shutdown$/],
    ['spec: graceful with a preStop sleep is observed', 30, 4, { statement: { model: 'graceful' } }, { seconds: 5, maxSeconds: 30, basis: 'observed', model: 'graceful' }, /preStop sleep 4 s.*graceful per spec/],
  ])('%s', (_n, grace, preStop, stated, want, text) => {
    const got = estimateShutdown(grace, preStop, stated);
    expect(got).toMatchObject(want);
    expect(got.text).toMatch(text);
    expect(got.preStopSeconds).toBe(preStop);
    expect(got.override).toBe(stated.override);
  });
});

describe('shutdownStatementFor', () => {
  const spec = makeSpec(['a'], {
    estimate: {
      shutdown: { model: 'graceful' },
      overrides: [
        { kind: 'StatefulSet', namespace: 'data', shutdown: { model: 'whole-grace' } },
        { namespace: 'shop', name: 'api', shutdown: { model: 'duration', seconds: 20 } },
        { namespace: 'shop', shutdown: { model: 'whole-grace' } },
      ],
    },
  });
  it.each<[string, { kind: string; namespace?: string; name: string }, unknown]>([
    ['kind and namespace', { kind: 'StatefulSet', namespace: 'data', name: 'db' }, { statement: { model: 'whole-grace' }, override: 1 }],
    ['another kind in that namespace falls through to the global', { kind: 'Deployment', namespace: 'data', name: 'web' }, { statement: { model: 'graceful' } }],
    ['name of any kind; the first match wins', { kind: 'Deployment', namespace: 'shop', name: 'api' }, { statement: { model: 'duration', seconds: 20 }, override: 2 }],
    ['namespace of any kind, a bare pod too', { kind: 'Pod', namespace: 'shop', name: 'debug' }, { statement: { model: 'whole-grace' }, override: 3 }],
    ['no match: the global', { kind: 'Deployment', namespace: 'other', name: 'x' }, { statement: { model: 'graceful' } }],
  ])('%s', (_n, workload, want) => {
    expect(shutdownStatementFor(spec, workload)).toEqual(want);
  });
  it('nothing without spec.estimate', () => {
    expect(shutdownStatementFor(makeSpec(['a']), { kind: 'Deployment', namespace: 'd', name: 'x' })).toEqual({});
  });
});
