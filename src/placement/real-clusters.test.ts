/**
 * Placement over real cluster dumps (../shared/fixtures/real beside the repository): every bound pod should still
 * fit the node it runs on by resources and affinity, and scheduling never throws.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Namespace, Node, PersistentVolume, PersistentVolumeClaim, Pod } from '../model/k8s.js';
import { readObjects } from '../snapshot/read-objects.js';
import { buildPlacementState } from './placement-state.js';
import { checkPodOnNode, scheduleOne, withoutNodeName } from './schedule.js';
import { isTerminal } from '../kube/pod.js';
import { REAL_FIXTURES_DIR } from '../../test/helpers/paths.js';

const DIR = REAL_FIXTURES_DIR;
const FILES = [
  'mgclean-ocp48-aws-cluster.yaml',
  'mgclean-ocp49-metal-cluster.yaml',
  'sonobuoy-kind-k8s121-cluster.json',
  'sonobuoy-aws-kubeadm-k8s18-cluster.json',
  'troubleshoot-k3s131-baseline-supportbundle.json',
  'insightsop-ocp-gcp-nodes-and-pods.json',
];

describe.each(FILES)('%s', (file) => {
  it('places every running pod where it is and can schedule replacements', () => {
    const { objects } = readObjects(readFileSync(`${DIR}/${file}`, 'utf8'), file);
    const of = <T>(kind: string) => objects.filter((o) => o.kind === kind) as unknown as T[];
    const nodes = of<Node>('Node');
    const pods = of<Pod>('Pod');
    expect(nodes.length).toBeGreaterThan(0);
    const state = buildPlacementState({
      nodes,
      pods,
      pvcs: of<PersistentVolumeClaim>('PersistentVolumeClaim'),
      pvs: of<PersistentVolume>('PersistentVolume'),
      namespaces: of<Namespace>('Namespace'),
    });
    const running = pods.filter((p) => p.spec.nodeName && !isTerminal(p) && state.nodeInfo(p.spec.nodeName));
    expect(state.podCount()).toBe(running.length);
    const misfits: string[] = [];
    for (const pod of running) {
      const failures = checkPodOnNode(state, pod, pod.spec.nodeName!).filter((f) => f.predicate === 'NodeResourcesFit' || f.predicate === 'NodeAffinity');
      if (failures.length > 0) misfits.push(`${pod.metadata.namespace}/${pod.metadata.name}: ${failures.map((f) => f.message).join(', ')}`);
    }
    expect(misfits).toEqual([]);
    for (const pod of running.slice(0, 40)) {
      const r = scheduleOne(state, withoutNodeName({ ...pod, metadata: { ...pod.metadata, name: `${pod.metadata.name}-copy` } }));
      expect(typeof r.message).toBe('string');
      if (!r.node) expect(r.message).toMatch(/^0\/\d+ nodes are available: /);
    }
  }, 60_000);
});
