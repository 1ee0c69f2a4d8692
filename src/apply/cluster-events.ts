/**
 * Which apply events become Kubernetes Events (events.k8s.io/v1, reporting controller `sdrain`)
 * on the objects apply acts on — the Node when it is cordoned, drained and uncordoned; each
 * workload when its surge, roll or eviction starts, ends or fails — so `kubectl describe node`
 * and `kubectl get events -w` show the maintenance beside the controllers' own Events. Every
 * note names the maintenance and the plan digest. Pure: src/cluster/event-recorder.ts writes them.
 */
import type { ObjectRef } from '../model/k8s.js';
import type { Method, Plan } from '../model/plan.js';
import type { ApplyEvent } from './apply-event.js';

export interface ClusterEvent {
  /** The object the Event is about (`regarding`); namespace absent for a Node. */
  regarding: ObjectRef & { uid?: string; apiVersion: string };
  type: 'Normal' | 'Warning';
  /** CamelCase, machine-readable: SdrainCordon, SdrainSurgeStarted, … */
  reason: string;
  /** What sdrain did: Cordon, Drain, Uncordon, Surge, Roll, Evict, Delete. */
  action: string;
  note: string;
  /** The instant (the apply clock's ms). */
  at: number;
  maintenance: string;
  digest: string;
}

const API_VERSION: Record<string, string> = { Node: 'v1', Pod: 'v1', Deployment: 'apps/v1', StatefulSet: 'apps/v1', ReplicaSet: 'apps/v1' };

const VERB: Record<Method, string> = { surge: 'Surge', roll: 'Roll', evict: 'Evict', delete: 'Delete' };

function nodeRef(name: string): ClusterEvent['regarding'] {
  return { kind: 'Node', name, apiVersion: 'v1' };
}

/** The Kubernetes Events for one apply event (usually none or one). */
export function clusterEventsFor(e: ApplyEvent, plan: Plan): ClusterEvent[] {
  const base = { maintenance: plan.spec.metadata.name, digest: plan.digest, at: e.at };
  const tag = `(maintenance "${plan.spec.metadata.name}", plan ${plan.digest})`;
  const workloadRef = (wave: number, ref: ObjectRef): ClusterEvent['regarding'] => {
    const action = plan.waves.find((w) => w.index === wave)?.actions.find((a) => a.workload.kind === ref.kind && a.workload.name === ref.name && (a.workload.namespace ?? '') === (ref.namespace ?? ''));
    const uid = action?.workload.uid;
    return { ...ref, apiVersion: API_VERSION[ref.kind] ?? 'v1', ...(uid ? { uid } : {}) };
  };
  const method = (wave: number, ref: ObjectRef): Method | undefined =>
    plan.waves.find((w) => w.index === wave)?.actions.find((a) => a.workload.kind === ref.kind && a.workload.name === ref.name && (a.workload.namespace ?? '') === (ref.namespace ?? ''))?.method;
  switch (e.type) {
    case 'node-cordoned':
      if (e.already) return [];
      return [{ ...base, regarding: nodeRef(e.node), type: 'Normal', reason: 'SdrainCordon', action: 'Cordon', note: `Cordoned by sdrain for wave ${e.wave} ${tag}` }];
    case 'wave-done': {
      const wave = plan.waves.find((w) => w.index === e.wave);
      return (wave?.nodes ?? []).map((n) => ({ ...base, regarding: nodeRef(n), type: 'Normal' as const, reason: 'SdrainDrained', action: 'Drain', note: `Drained by sdrain in wave ${e.wave}: every workload moved off under its own floor ${tag}` }));
    }
    case 'node-uncordoned':
      return [{ ...base, regarding: nodeRef(e.node), type: 'Normal', reason: 'SdrainUncordon', action: 'Uncordon', note: `Uncordoned by sdrain after afterEach ${tag}` }];
    case 'workload-start': {
      const verb = VERB[e.method];
      return [{ ...base, regarding: workloadRef(e.wave, e.workload), type: 'Normal', reason: `Sdrain${verb}Started`, action: verb, note: `sdrain ${e.method} started in wave ${e.wave}: moving ${e.pods.length} pod(s), floor ${e.expectedMinReady}/${e.replicas} ready ${tag}` }];
    }
    case 'workload-done': {
      const m = method(e.wave, e.workload) ?? 'evict';
      const verb = VERB[m];
      return [{ ...base, regarding: workloadRef(e.wave, e.workload), type: 'Normal', reason: `Sdrain${verb}Done`, action: verb, note: `sdrain ${m} done in wave ${e.wave} after ${Math.round(e.ms / 1000)}s${e.minReady !== null ? `, least ready ${e.minReady} (floor ${e.expectedMinReady})` : ''} ${tag}` }];
    }
    case 'workload-failed': {
      const m = method(e.wave, e.workload) ?? 'evict';
      const verb = VERB[m];
      return [{ ...base, regarding: workloadRef(e.wave, e.workload), type: 'Warning', reason: `Sdrain${verb}Failed`, action: verb, note: `sdrain ${m} failed in wave ${e.wave}: ${e.message.split('\n')[0]!.slice(0, 600)} ${tag}` }];
    }
    default:
      return [];
  }
}
