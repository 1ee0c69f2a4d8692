import { describe, expect, it } from 'vitest';
import { emptySnapshot } from '../../../src/model/snapshot.js';
import type { Deployment, Node, Pod } from '../../../src/model/k8s.js';
import { normalizeOwnChanges } from '../../../src/apply/normalize-own-changes.js';
import { drainedNodes, fingerprintChanges, fingerprintLines, remainingWork } from '../../../src/apply/drift.js';
import { samplePlan } from '../../cli/sample-plan.js';

const D = 'sha256:' + 'a'.repeat(64);
const OTHER = 'sha256:' + 'b'.repeat(64);

function node(name: string, annotations?: Record<string, string>, unschedulable?: boolean): Node {
  return { apiVersion: 'v1', kind: 'Node', metadata: { name, annotations }, spec: unschedulable ? { unschedulable } : {} };
}

function deployment(annotations: Record<string, string> | undefined, replicas: number, restartedAt?: string): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: restartedAt ? { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } : {}, spec: { containers: [] } },
    },
  };
}

describe('normalizeOwnChanges', () => {
  it('undoes this plan\'s cordons, surges, restarts and pod marks, and nothing else', () => {
    const live = emptySnapshot();
    live.nodes = [
      node('a', { 'sdrain.io/plan-digest': D }, true),
      node('b', { 'sdrain.io/plan-digest': OTHER }, true),
      node('c', undefined, true),
      node('d', { 'sdrain.io/drained': D, 'sdrain.io/plan-digest': D, keep: 'x' }, true),
    ];
    live.deployments = [deployment({ 'sdrain.io/plan-digest': D, 'sdrain.io/surge': `${D}/wave-1:3` }, 5, `${D}/wave-1`)];
    live.pods = [
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'web-1', namespace: 'shop', annotations: { 'sdrain.io/plan-digest': D, 'controller.kubernetes.io/pod-deletion-cost': '-1000000' } },
        spec: { containers: [] },
      } as Pod,
    ];
    const { snapshot, own } = normalizeOwnChanges(live, D);
    expect(own).toEqual({ nodes: ['a', 'd'], workloads: ['Deployment shop/web'], any: true });
    expect(snapshot.nodes.map((n) => [n.metadata.name, n.spec?.unschedulable ?? false, n.metadata.annotations])).toEqual([
      ['a', false, undefined],
      ['b', true, { 'sdrain.io/plan-digest': OTHER }],
      ['c', true, undefined],
      ['d', false, { keep: 'x' }],
    ]);
    expect(snapshot.deployments[0]?.spec.replicas).toBe(3);
    expect(snapshot.deployments[0]?.metadata.annotations).toBeUndefined();
    expect(snapshot.deployments[0]?.spec.template.metadata?.annotations).toBeUndefined();
    expect(snapshot.pods[0]?.metadata.annotations).toBeUndefined();
    // The input is not modified.
    expect(live.nodes[0]?.spec?.unschedulable).toBe(true);
  });

  it('reports a fresh cluster as untouched', () => {
    const live = emptySnapshot();
    live.nodes = [node('a', { 'sdrain.io/plan-digest': OTHER }, true)];
    expect(normalizeOwnChanges(live, D).own.any).toBe(false);
  });
});

describe('drift helpers', () => {
  it('names the fingerprint paths that differ', () => {
    expect(fingerprintChanges({ a: { x: 1, y: 2 }, b: 1 }, { a: { x: 1, y: 3 }, c: 1 })).toEqual(['a.y', 'b', 'c']);
    expect(fingerprintChanges({ a: 1 }, { a: 1 })).toEqual([]);
  });

  it('renders the fingerprint as one line per fact', () => {
    expect(fingerprintLines({ pods: { 'shop/a': { node: 'n1', uid: 'u' } }, pdbs: {}, list: [] })).toBe(
      'fingerprint.list = []\nfingerprint.pdbs = {}\nfingerprint.pods["shop/a"].node = "n1"\nfingerprint.pods["shop/a"].uid = "u"\n',
    );
  });

  it('keeps only the remaining work: unfinished waves, pods still alive, no capacity numbers', () => {
    const plan = samplePlan();
    const live = emptySnapshot();
    live.nodes = [node('node-a', { 'sdrain.io/drained': D }), node('node-b')];
    live.pods = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'front-5c-a', namespace: 'web', uid: 'uid-front-5c-a' }, spec: { containers: [] } } as Pod];
    const drained = drainedNodes(live, D);
    expect([...drained]).toEqual(['node-a']);
    const rest = remainingWork(plan, live, drained);
    expect(rest.waves.map((w) => w.index)).toEqual([2]);
    expect(rest.waves[0]?.actions.map((a) => [a.workload.name, a.pods])).toEqual([['front', ['front-5c-a']]]);
    expect(rest.waves[0]?.free).toEqual({ cpuMilli: 0, memory: 0, pods: 0 });
    expect(rest.findings).toEqual([]);
  });
});
