/**
 * Scenario faults that act on the store at a set time, as another actor in the cluster would:
 * a node's kubelet stops reporting (Ready=Unknown; optionally back after a while), an HPA-like actor sets a workload's replicas,
 * new pods fail their readiness probe for a while (marked sim.sdrain.io/never-ready, which the
 * simulated kubelet honours; unmarked when the window ends, so they then become Ready). They
 * write straight to the store (like the simulator's own controllers), so clients see them
 * through ordinary watch events.
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import { NEVER_READY_ANNOTATION } from '../controllers/sim-annotations.js';
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
    if (s.forMs === undefined) continue;
    timers.push(
      store.clock.setTimeout(() => {
        const now = new Date(store.clock.now()).toISOString();
        store.mutate<KubeObject & { status?: { conditions?: Condition[] } }>(
          'Node',
          undefined,
          s.node,
          (node) => {
            const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
            if (!ready || ready.status === 'True') return false;
            Object.assign(ready, { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: now, lastHeartbeatTime: now });
          },
          { subresource: 'status' },
        );
      }, s.atMs + s.forMs),
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
  const start = store.clock.now();
  const unsubscribe: (() => void)[] = [];
  for (const s of cfg.scenarios?.neverReady ?? []) {
    const marked = new Map<string, string>(); // name → uid
    const open = () => {
      const t = store.clock.now() - start;
      return t >= s.fromMs && (s.forMs === undefined || t < s.fromMs + s.forMs);
    };
    const matches = (p: KubeObject) => p.metadata.namespace === s.namespace && Object.entries(s.labels ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v);
    unsubscribe.push(
      store.on((e) => {
        if (e.kind !== 'Pod' || e.type !== 'ADDED' || !open() || !matches(e.object)) return;
        const { name, uid } = e.object.metadata;
        // After the current write's listeners ran (listeners must not write re-entrantly).
        queueMicrotask(() => {
          let done = false;
          store.mutate<Pod>('Pod', s.namespace, name, (p) => {
            if (p.metadata.uid !== uid || p.metadata.deletionTimestamp) return false;
            p.metadata.annotations = { ...p.metadata.annotations, [NEVER_READY_ANNOTATION]: 'true' };
            done = true;
          });
          if (done) {
            marked.set(name, uid ?? '');
            count('never-ready');
          }
        });
      }),
    );
    if (s.forMs !== undefined) {
      timers.push(
        store.clock.setTimeout(() => {
          for (const [name, uid] of marked) {
            store.mutate<Pod>('Pod', s.namespace, name, (p) => {
              if (p.metadata.uid !== uid || p.metadata.annotations?.[NEVER_READY_ANNOTATION] !== 'true') return false;
              const { [NEVER_READY_ANNOTATION]: _gone, ...rest } = p.metadata.annotations;
              p.metadata.annotations = rest;
            });
          }
          marked.clear();
        }, s.fromMs + s.forMs),
      );
    }
  }
  return {
    stop() {
      for (const t of timers) t.cancel();
      for (const u of unsubscribe) u();
    },
  };
}
