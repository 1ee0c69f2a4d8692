/**
 * The pods/eviction subresource, following upstream's EvictionREST.Create: terminal, pending
 * or already-terminating pods are deleted without looking at budgets; otherwise exactly one
 * matching PodDisruptionBudget must allow a disruption (several → 500, none allowed or a
 * stale status → 429 with a DisruptionBudget cause). A successful check decrements
 * disruptionsAllowed and records the pod in status.disruptedPods before the graceful delete.
 */
import type { Pod, PodDisruptionBudget } from '../../model/k8s.js';
import type { MemoryStore } from '../store/memory-store.js';
import { formatTime } from '../store/wall-clock.js';
import { fromLabelSelector, matches } from '../../kube/selector.js';
import { deleteObject, parseDeleteOptions } from './delete-object.js';
import { resourceForKind } from './resources.js';
import { ApiError } from './status.js';

/** Upstream MaxDisruptedPodSize: beyond this the PDB controller is assumed to be lagging. */
const MAX_DISRUPTED_PODS = 2000;

export type EvictionResult = { code: number; body: Record<string, unknown> };

const PDB_MESSAGE = "Cannot evict pod as it would violate the pod's disruption budget.";

function tooManyRequests(cause: string, retryAfterSeconds: number): ApiError {
  return new ApiError('TooManyRequests', PDB_MESSAGE, {
    causes: [{ reason: 'DisruptionBudget', message: cause }],
    ...(retryAfterSeconds > 0 ? { retryAfterSeconds } : {}),
  });
}

function isReady(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function canIgnorePdb(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending' || pod.metadata.deletionTimestamp !== undefined;
}

function matchingPdbs(store: MemoryStore, pod: Pod): PodDisruptionBudget[] {
  return store.list<PodDisruptionBudget>('PodDisruptionBudget', { namespace: pod.metadata.namespace ?? '' }).filter((pdb) => {
    const sel = fromLabelSelector(pdb.spec?.selector);
    // A nil or empty selector matches nothing here, unlike elsewhere.
    return sel !== undefined && sel.length > 0 && matches(sel, pod.metadata.labels);
  });
}

/** Handles POST …/pods/NAME/eviction. `body` is the Eviction (policy/v1 or v1beta1). */
export function evictPod(store: MemoryStore, namespace: string, name: string, body: unknown, nowMs: number, dryRun = false): EvictionResult {
  const ev = (typeof body === 'object' && body !== null ? body : {}) as { metadata?: { name?: string }; deleteOptions?: unknown; kind?: string; apiVersion?: string };
  if (ev.apiVersion !== undefined && ev.apiVersion !== 'policy/v1' && ev.apiVersion !== 'policy/v1beta1') {
    throw new ApiError('BadRequest', `the API version in the data (${ev.apiVersion}) does not match the expected API version (policy/v1)`);
  }
  if ((ev.metadata?.name ?? '') !== name) throw new ApiError('BadRequest', 'name in URL does not match name in Eviction object');
  const deleteOptions = parseDeleteOptions(ev.deleteOptions ?? {}, new URLSearchParams());
  const podRes = resourceForKind('Pod')!;
  const pod = store.get<Pod>('Pod', namespace, name);
  if (!pod) throw new ApiError('NotFound', `pods "${name}" not found`, { name, kind: 'pods' });
  const success: EvictionResult = { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
  if (canIgnorePdb(pod)) {
    if (!dryRun) deleteObject(store, podRes, namespace, name, deleteOptions, nowMs);
    return success;
  }
  const pdbs = matchingPdbs(store, pod);
  if (pdbs.length > 1) {
    return { code: 500, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.', code: 500 } };
  }
  const pdb = pdbs[0];
  if (pdb) {
    const st = pdb.status;
    const unhealthyAlwaysAllowed = (pdb.spec as { unhealthyPodEvictionPolicy?: string }).unhealthyPodEvictionPolicy === 'AlwaysAllow';
    const skipDecrement = !isReady(pod) && (unhealthyAlwaysAllowed || ((st?.currentHealthy ?? 0) >= (st?.desiredHealthy ?? 0) && (st?.desiredHealthy ?? 0) > 0));
    if (!skipDecrement) {
      if ((st?.observedGeneration ?? 0) < (pdb.metadata.generation ?? 0)) {
        throw tooManyRequests(`The disruption budget ${pdb.metadata.name} is still being processed by the server.`, 10);
      }
      const allowed = st?.disruptionsAllowed ?? 0;
      if (allowed < 0) throw new ApiError('Forbidden', `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: pdb disruptions allowed is negative`);
      if (Object.keys(st?.disruptedPods ?? {}).length > MAX_DISRUPTED_PODS) {
        throw new ApiError('Forbidden', `poddisruptionbudgets.policy "${pdb.metadata.name}" is forbidden: DisruptedPods map too big - too many evictions not confirmed by PDB controller`);
      }
      if (allowed === 0) {
        throw tooManyRequests(`The disruption budget ${pdb.metadata.name} needs ${st?.desiredHealthy ?? 0} healthy pods and has ${st?.currentHealthy ?? 0} currently`, 0);
      }
      if (!dryRun) store.mutate<PodDisruptionBudget>('PodDisruptionBudget', namespace, pdb.metadata.name, (p) => {
        const s = p.status!;
        s.disruptionsAllowed -= 1;
        if (s.disruptionsAllowed === 0) {
          const conds = (s.conditions ?? []).filter((c) => c.type !== 'DisruptionAllowed');
          const prev = (s.conditions ?? []).find((c) => c.type === 'DisruptionAllowed');
          conds.push({
            type: 'DisruptionAllowed',
            status: 'False',
            reason: 'InsufficientPods',
            message: '',
            lastTransitionTime: prev?.status === 'False' && prev.lastTransitionTime ? prev.lastTransitionTime : formatTime(nowMs),
            ...({ observedGeneration: s.observedGeneration } as object),
          });
          s.conditions = conds;
        }
        s.disruptedPods = { ...(s.disruptedPods ?? {}), [name]: formatTime(nowMs) };
      }, { subresource: 'status' });
    }
  }
  if (!dryRun) deleteObject(store, podRes, namespace, name, deleteOptions, nowMs);
  return success;
}
