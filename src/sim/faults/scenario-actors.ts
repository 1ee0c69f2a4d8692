/**
 * Scenario faults that act on the store at a set time, as another actor in the cluster would:
 * a node's kubelet stops reporting (Ready=False), an HPA-like actor sets a workload's replicas.
 * They write straight to the store (like the simulator's own controllers), so clients see them
 * through ordinary watch events.
 */
import type { KubeObject } from '../../model/k8s.js';
import type { MemoryStore } from '../store/memory-store.js';
import type { FaultConfig } from './fault-config.js';

interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastHeartbeatTime?: string;
}

/** Schedules the config's scenario actors; `count` is told about each one that fired. */
export function startScenarioActors(store: MemoryStore, cfg: FaultConfig, count: (what: string) => void): { stop(): void } {
  const timers: { cancel(): void }[] = [];
  for (const s of cfg.scenarios?.nodeNotReady ?? []) {
    timers.push(
      store.clock.setTimeout(() => {
        const now = new Date(store.clock.now()).toISOString();
        const done = store.mutate<KubeObject & { status?: { conditions?: Condition[] } }>(
          'Node',
          undefined,
          s.node,
          (node) => {
            node.status ??= {};
            const conds = (node.status.conditions ??= []);
            const ready = conds.find((c) => c.type === 'Ready');
            const next: Condition = { type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: now, lastHeartbeatTime: now };
            if (ready) Object.assign(ready, next);
            else conds.push(next);
          },
          { subresource: 'status' },
        );
        if (done) count('node-not-ready');
      }, s.atMs),
    );
  }
  for (const s of cfg.scenarios?.scale ?? []) {
    timers.push(
      store.clock.setTimeout(() => {
        const done = store.mutate<KubeObject & { spec?: { replicas?: number } }>(s.kind, s.namespace, s.name, (o) => {
          o.spec ??= {};
          if (o.spec.replicas === s.replicas) return false;
          o.spec.replicas = s.replicas;
        });
        if (done) count('scale');
      }, s.atMs),
    );
  }
  return {
    stop() {
      for (const t of timers) t.cancel();
    },
  };
}
