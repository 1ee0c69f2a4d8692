import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { readObjects } from '../snapshot/read-objects.js';
import { REAL_FIXTURES_DIR } from '../../test/helpers/paths.js';
import { defaultPullPolicy, fillPodDefaults, omitPodDefaults } from './pod-defaults.js';

/** A pod as a v1.3x API server returns it: every default present. */
function serverPod(): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'shop', uid: 'u1' },
    spec: {
      containers: [
        { name: 'web', image: 'nginx:1.27', imagePullPolicy: 'IfNotPresent', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File', resources: { requests: { cpu: '100m' } } },
        { name: 'tail', image: 'busybox', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' },
      ],
      initContainers: [{ name: 'init', image: 'busybox:latest', imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' }],
      dnsPolicy: 'ClusterFirst',
      enableServiceLinks: true,
      nodeName: 'n1',
      preemptionPolicy: 'PreemptLowerPriority',
      priority: 0,
      restartPolicy: 'Always',
      schedulerName: 'default-scheduler',
      securityContext: {},
      serviceAccount: 'default',
      serviceAccountName: 'default',
      terminationGracePeriodSeconds: 30,
    },
    status: {
      phase: 'Running',
      conditions: [
        { type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-05T08:00:00Z' },
        { type: 'PodScheduled', status: 'True', lastProbeTime: '2026-01-05T08:00:00Z', lastTransitionTime: '2026-01-05T08:00:00Z' },
      ],
    },
  } as Pod;
}

describe('pod defaults', () => {
  it('leaves out exactly the fields that hold their default, without touching the pod', () => {
    const pod = serverPod();
    const before = JSON.stringify(pod);
    const slim = omitPodDefaults(pod);
    expect(JSON.stringify(pod)).toBe(before);
    expect(slim.spec).toEqual({
      containers: [{ name: 'web', image: 'nginx:1.27', resources: { requests: { cpu: '100m' } } }, { name: 'tail', image: 'busybox' }],
      initContainers: [{ name: 'init', image: 'busybox:latest' }],
      nodeName: 'n1',
      priority: 0,
    });
    expect(slim.status!.conditions).toEqual([
      { type: 'Ready', status: 'True', lastTransitionTime: '2026-01-05T08:00:00Z' },
      { type: 'PodScheduled', status: 'True', lastProbeTime: '2026-01-05T08:00:00Z', lastTransitionTime: '2026-01-05T08:00:00Z' },
    ]);
    expect(fillPodDefaults(slim)).toEqual(pod);
  });

  it('keeps values that differ from the default', () => {
    const pod = serverPod();
    Object.assign(pod.spec, { dnsPolicy: 'None', enableServiceLinks: false, preemptionPolicy: 'Never', restartPolicy: 'OnFailure', schedulerName: 'volcano', serviceAccount: 'builder', serviceAccountName: 'builder', terminationGracePeriodSeconds: 5, securityContext: { runAsUser: 1000 } });
    pod.spec.containers[0]!.imagePullPolicy = 'Always';
    pod.spec.containers[1]!.terminationMessagePolicy = 'FallbackToLogsOnError';
    const slim = omitPodDefaults(pod);
    expect(slim.spec).toMatchObject({ dnsPolicy: 'None', enableServiceLinks: false, preemptionPolicy: 'Never', restartPolicy: 'OnFailure', schedulerName: 'volcano', serviceAccountName: 'builder', terminationGracePeriodSeconds: 5, securityContext: { runAsUser: 1000 } });
    expect(slim.spec.serviceAccount).toBeUndefined();
    expect(slim.spec.containers[0]!.imagePullPolicy).toBe('Always');
    expect(slim.spec.containers[1]!.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(fillPodDefaults(slim)).toEqual(pod);
  });

  it('fills an old-style pod that names only the deprecated serviceAccount', () => {
    const pod = fillPodDefaults({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccount: 'legacy', containers: [] } } as unknown as Pod);
    expect(pod.spec.serviceAccountName).toBe('legacy');
    expect(pod.spec.serviceAccount).toBe('legacy');
  });

  it('gives the documented imagePullPolicy', () => {
    expect(defaultPullPolicy('nginx')).toBe('Always');
    expect(defaultPullPolicy('nginx:latest')).toBe('Always');
    expect(defaultPullPolicy('nginx:1.27')).toBe('IfNotPresent');
    expect(defaultPullPolicy('registry.local:5000/team/app')).toBe('Always');
    expect(defaultPullPolicy('registry.local:5000/team/app:v2')).toBe('IfNotPresent');
    expect(defaultPullPolicy('nginx@sha256:0123')).toBe('IfNotPresent');
  });

  it('round-trips every pod of the real cluster dumps', () => {
    const files = readdirSync(REAL_FIXTURES_DIR).filter((f) => /\.(json|ya?ml)$/.test(f));
    expect(files.length).toBeGreaterThan(5);
    let pods = 0;
    let omitted = 0;
    for (const f of files) {
      const { objects } = readObjects(readFileSync(`${REAL_FIXTURES_DIR}/${f}`, 'utf8'), f);
      for (const o of objects.filter((x) => x.kind === 'Pod' && x.spec)) {
        const pod = o as Pod;
        const slim = omitPodDefaults(pod);
        pods++;
        omitted += JSON.stringify(pod).length - JSON.stringify(slim).length;
        // Loading a slim file and slimming it again changes nothing, and filling gives the same
        // pod whether or not the defaults were left out first.
        expect(omitPodDefaults(fillPodDefaults(slim))).toEqual(slim);
        expect(fillPodDefaults(slim)).toEqual(fillPodDefaults(pod));
      }
    }
    expect(pods).toBeGreaterThan(100);
    expect(omitted).toBeGreaterThan(pods * 100);
  });
});
