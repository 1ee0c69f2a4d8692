/**
 * A drain done the way the planner does it — clone per wave, cordon, unassign, reschedule — must
 * leave the same state as building it fresh from the final placement, and never touch the
 * state it was cloned from.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { buildPlacementState, type PlacementState } from './placement-state.js';
import { scheduleOne, withoutNodeName } from './schedule.js';
import { makeNode, makePod } from './testing/builders.js';

function summary(state: PlacementState) {
  return state.nodeNames().map((n) => {
    const info = state.nodeInfo(n)!;
    return { n, requested: info.requested, nonZero: info.nonZeroRequested, pods: [...info.pods.keys()].sort(), unschedulable: info.unschedulable };
  });
}

describe('wave-by-wave drain on clones', () => {
  it('keeps indexes consistent with a fresh build', () => {
    const nodes = Array.from({ length: 60 }, (_, i) => makeNode(`n${String(i).padStart(2, '0')}`, { zone: `z${i % 3}`, cpu: '8', memory: '32Gi' }));
    const pods: Pod[] = [];
    for (let i = 0; i < 900; i++) {
      const app = `app-${i % 40}`;
      pods.push(
        makePod(`${app}-${i}`, {
          namespace: `ns-${i % 4}`,
          node: nodes[(i * 13) % 60]!.metadata.name,
          cpu: `${50 + (i % 7) * 25}m`,
          memory: `${64 + (i % 5) * 32}Mi`,
          labels: { app },
          owner: { kind: 'ReplicaSet', name: `${app}-rs` },
          spec:
            i % 9 === 0
              ? { affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app } } }] } } }
              : {},
        }),
      );
    }
    const base = buildPlacementState({ nodes, pods });
    const before = JSON.stringify(summary(base));

    let state = base;
    const waves = [nodes.slice(0, 5), nodes.slice(5, 10), nodes.slice(10, 15)].map((w) => w.map((n) => n.metadata.name));
    const finalPods = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    let unplaced = 0;
    for (const wave of waves) {
      state = state.clone();
      for (const n of wave) state.setUnschedulable(n, true);
      for (const n of wave) {
        for (const pod of [...state.nodeInfo(n)!.pods.values()].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1))) {
          state.unassign(pod);
          const replacement = withoutNodeName(pod);
          const r = scheduleOne(state, replacement);
          const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
          if (r.node) {
            const placed = { ...replacement, spec: { ...replacement.spec, nodeName: r.node } };
            state.assign(placed, r.node);
            finalPods.set(key, placed);
          } else {
            unplaced++;
            finalPods.delete(key);
          }
        }
      }
    }
    expect(JSON.stringify(summary(base))).toBe(before);
    for (const wave of waves) for (const n of wave) expect(state.nodeInfo(n)!.pods.size).toBe(0);

    const fresh = buildPlacementState({ nodes, pods: [...finalPods.values()] });
    for (const wave of waves) for (const n of wave) fresh.setUnschedulable(n, true);
    expect(summary(state)).toEqual(summary(fresh));
    expect(state.podCount()).toBe(900 - unplaced);
  }, 60_000);
});
