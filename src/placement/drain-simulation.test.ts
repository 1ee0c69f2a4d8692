/**
 * A drain done the way the planner does it — one journaled state, per wave cordon, unassign,
 * reschedule, commit — must leave the same state as building it fresh from the final placement;
 * and a wave tried and rolled back must leave no trace, then replay to the same result.
 */
import { describe, expect, it } from 'vitest';
import type { Pod } from '../model/k8s.js';
import { buildPlacementState, type PlacementState } from './placement-state.js';
import { UndoJournal } from './undo-journal.js';
import { scheduleOne, withoutNodeName } from './schedule.js';
import { makeNode, makePod } from './testing/builders.js';

function summary(state: PlacementState) {
  return state.nodeNames().map((n) => {
    const info = state.nodeInfo(n)!;
    return { n, requested: info.requested, nonZero: info.nonZeroRequested, pods: [...info.pods.keys()].sort(), unschedulable: info.unschedulable };
  });
}

describe('wave-by-wave drain on one journaled state', () => {
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
    const journal = new UndoJournal();
    const state = buildPlacementState({ nodes, pods }, { journal });
    const before = JSON.stringify(summary(state));
    const waves = [nodes.slice(0, 5), nodes.slice(5, 10), nodes.slice(10, 15)].map((w) => w.map((n) => n.metadata.name));
    const finalPods = new Map(pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    let unplaced = 0;
    const drainWave = (wave: string[]) => {
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
    };
    // A first wave tried and rolled back (what affinity: skip does) leaves the state as built.
    const trial = new Map(finalPods);
    drainWave(waves[0]!);
    journal.rollback();
    expect(JSON.stringify(summary(state))).toBe(before);
    finalPods.clear();
    for (const [k, v] of trial) finalPods.set(k, v);
    unplaced = 0;
    for (const wave of waves) {
      drainWave(wave);
      journal.commit();
    }

    for (const wave of waves) for (const n of wave) expect(state.nodeInfo(n)!.pods.size).toBe(0);

    const fresh = buildPlacementState({ nodes, pods: [...finalPods.values()] });
    for (const wave of waves) for (const n of wave) fresh.setUnschedulable(n, true);
    expect(summary(state)).toEqual(summary(fresh));
    expect(state.podCount()).toBe(900 - unplaced);
  }, 60_000);
});
