/**
 * ReplicaSet bookkeeping for the Deployment controller, after upstream's deployment/util:
 * finding the new ReplicaSet (oldest whose template equals the Deployment's ignoring the hash),
 * revisions, the desired/max-replicas annotations, creating the new ReplicaSet and scaling.
 * ReplicaSets are handled as local copies (`RsView`) whose replicas are updated as the sync
 * scales them, like upstream's in-memory objects.
 */
import type { Deployment, ReplicaSet } from '../../model/k8s.js';
import { StoreError } from '../store/types.js';
import { resolveDeploymentStrategy } from '../../kube/rolling.js';
import type { ControllerContext } from './controller.js';
import { controllerRef } from './pod-template.js';
import { POD_TEMPLATE_HASH_LABEL, computeTemplateHash, templatesEqualIgnoringHash } from './template-hash.js';

/** The deployment controller's event source. */
const DEPLOYMENT_CONTROLLER = { component: 'deployment-controller' };

/** Revision number on ReplicaSets and the Deployment (what `rollout history` lists). */
export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
/** spec.replicas of the Deployment when the ReplicaSet was last sized: a difference means a scaling event. */
export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
/** replicas + maxSurge when the ReplicaSet was last sized: the base of proportional scaling. */
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

/** Deployment annotations never copied onto its ReplicaSets. */
const SKIPPED_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  REVISION_ANNOTATION,
  'deployment.kubernetes.io/revision-history',
  DESIRED_REPLICAS_ANNOTATION,
  MAX_REPLICAS_ANNOTATION,
  'deprecated.deployment.rollback.to',
]);

/** A ReplicaSet as the current sync sees it (replicas updated as it scales). */
export interface RsView {
  rs: ReplicaSet;
  replicas: number;
}

/** A fresh view of a stored ReplicaSet. */
export function view(rs: ReplicaSet): RsView {
  return { rs, replicas: rs.spec.replicas ?? 1 };
}

/** The revision annotation as a number (0 when absent or malformed). */
export function revisionOf(rs: ReplicaSet): number {
  const v = rs.metadata.annotations?.[REVISION_ANNOTATION];
  return v && /^\d+$/.test(v) ? Number(v) : 0;
}

function created(rs: ReplicaSet): number {
  const t = rs.metadata.creationTimestamp ? Date.parse(rs.metadata.creationTimestamp) : Number.NaN;
  return Number.isNaN(t) ? 0 : t;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then name. */
export function byCreation(a: RsView, b: RsView): number {
  return created(a.rs) - created(b.rs) || (a.rs.metadata.name < b.rs.metadata.name ? -1 : a.rs.metadata.name > b.rs.metadata.name ? 1 : 0);
}

/** ReplicaSetsByRevision: lowest revision first, then creation. */
export function byRevision(a: RsView, b: RsView): number {
  return revisionOf(a.rs) - revisionOf(b.rs) || byCreation(a, b);
}

/** The replica count the surge/unavailable arithmetic uses (MaxSurge is 0 for Recreate). */
export function maxSurgeOf(d: Deployment): number {
  return resolveDeploymentStrategy(d).maxSurge;
}

/** MaxUnavailable(d): 0 for Recreate, else resolved and capped at replicas. */
export function maxUnavailableOf(d: Deployment): number {
  const r = resolveDeploymentStrategy(d);
  return r.type === 'RollingUpdate' ? r.maxUnavailable : 0;
}

/** spec.replicas with the API default of 1. */
export function specReplicas(d: Deployment): number {
  return d.spec.replicas ?? 1;
}

/** GetReplicaCountForReplicaSets: the sum of spec.replicas as this sync sees it. */
export function sumReplicas(rss: RsView[]): number {
  return rss.reduce((n, r) => n + r.replicas, 0);
}

/** The sum of a status count over ReplicaSets. */
export function sumStatus(rss: RsView[], field: 'replicas' | 'readyReplicas' | 'availableReplicas'): number {
  return rss.reduce((n, r) => n + (r.rs.status?.[field] ?? 0), 0);
}

/** FindNewReplicaSet: the oldest ReplicaSet whose template equals the Deployment's. */
export function findNew(d: Deployment, rss: RsView[]): RsView | undefined {
  return [...rss].sort(byCreation).find((r) => templatesEqualIgnoringHash(r.rs.spec.template, d.spec.template));
}

/** Writes replicas and the desired/max annotations when they differ; returns whether it scaled. */
export function scaleReplicaSet(ctx: ControllerContext, d: Deployment, r: RsView, newScale: number): boolean {
  const desired = String(specReplicas(d));
  const max = String(specReplicas(d) + maxSurgeOf(d));
  const a = r.rs.metadata.annotations ?? {};
  const sizeChanged = r.replicas !== newScale;
  if (!sizeChanged && a[DESIRED_REPLICAS_ANNOTATION] === desired && a[MAX_REPLICAS_ANNOTATION] === max) return false;
  const written = ctx.store.mutate<ReplicaSet>('ReplicaSet', r.rs.metadata.namespace, r.rs.metadata.name, (o) => {
    o.spec.replicas = newScale;
    o.metadata.annotations = { ...(o.metadata.annotations ?? {}), [DESIRED_REPLICAS_ANNOTATION]: desired, [MAX_REPLICAS_ANNOTATION]: max };
  });
  if (written) r.rs = written;
  if (sizeChanged && written) {
    ctx.events.record(DEPLOYMENT_CONTROLLER, d, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled ${r.replicas < newScale ? 'up' : 'down'} replica set ${r.rs.metadata.name} from ${r.replicas} to ${newScale}` });
  }
  r.replicas = newScale;
  return sizeChanged;
}

/** Copies the Deployment's annotations and raises the revision; returns whether anything changed. */
function setNewRsAnnotations(d: Deployment, annotations: Record<string, string>, newRevision: number): boolean {
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || annotations[k] === v) continue;
    annotations[k] = v;
    changed = true;
  }
  const old = annotations[REVISION_ANNOTATION];
  if (old !== undefined && !/^\d+$/.test(old)) return changed;
  if ((old === undefined ? 0 : Number(old)) < newRevision) {
    annotations[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
  }
  return changed;
}

/**
 * getNewReplicaSet: returns the new ReplicaSet (syncing its annotations and minReadySeconds),
 * creating it with the surge-limited replica count when `create` and none exists.
 */
export function getNewReplicaSet(ctx: ControllerContext, d: Deployment, all: RsView[], old: RsView[], create: boolean): RsView | undefined {
  const existing = findNew(d, all);
  const newRevision = Math.max(0, ...old.map((r) => revisionOf(r.rs))) + 1;
  if (existing) {
    const annotations = { ...(existing.rs.metadata.annotations ?? {}) };
    const annotationsChanged = setNewRsAnnotations(d, annotations, newRevision);
    const minReady = d.spec.minReadySeconds ?? 0;
    if (annotationsChanged || (existing.rs.spec.minReadySeconds ?? 0) !== minReady) {
      const written = ctx.store.mutate<ReplicaSet>('ReplicaSet', existing.rs.metadata.namespace, existing.rs.metadata.name, (o) => {
        o.metadata.annotations = annotations;
        o.spec.minReadySeconds = minReady;
      });
      if (written) existing.rs = written;
    }
    return existing;
  }
  if (!create) return undefined;
  const collisionCount = d.status?.collisionCount;
  const hash = computeTemplateHash(d.spec.template, collisionCount);
  const template = structuredClone(d.spec.template);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } };
  const selector = structuredClone(d.spec.selector);
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  const annotations: Record<string, string> = {};
  setNewRsAnnotations(d, annotations, newRevision);
  annotations[DESIRED_REPLICAS_ANNOTATION] = String(specReplicas(d));
  annotations[MAX_REPLICAS_ANNOTATION] = String(specReplicas(d) + maxSurgeOf(d));
  const draft: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      labels: { ...template.metadata.labels! },
      annotations,
      ownerReferences: [controllerRef(d)],
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds ?? 0, selector, template },
  };
  const replicas = newRsReplicas(d, [...old, view(draft)], view(draft));
  draft.spec.replicas = replicas;
  try {
    const created = view(ctx.store.create(draft));
    if (replicas > 0) ctx.events.record(DEPLOYMENT_CONTROLLER, d, { type: 'Normal', reason: 'ScalingReplicaSet', message: `Scaled up replica set ${created.rs.metadata.name} from 0 to ${replicas}` });
    return created;
  } catch (err) {
    if (!(err instanceof StoreError) || err.reason !== 'AlreadyExists') throw err;
    const clash = ctx.cache.get<ReplicaSet>('ReplicaSet', d.metadata.namespace, draft.metadata.name);
    if (clash && clash.metadata.ownerReferences?.some((r) => r.controller && r.uid === d.metadata.uid) && templatesEqualIgnoringHash(clash.spec.template, d.spec.template)) {
      return view(clash);
    }
    // A hash collision: bump collisionCount so the next sync computes another name.
    ctx.store.mutate<Deployment>('Deployment', d.metadata.namespace, d.metadata.name, (o) => {
      o.status = { ...(o.status ?? {}), collisionCount: (o.status?.collisionCount ?? 0) + 1 };
    }, { subresource: 'status' });
    throw err;
  }
}

/** NewRSNewReplicas: how far the new ReplicaSet may grow now. */
export function newRsReplicas(d: Deployment, all: RsView[], newRs: RsView): number {
  const rollout = resolveDeploymentStrategy(d);
  if (rollout.type === 'Recreate') return rollout.replicas;
  const current = sumReplicas(all);
  const maxTotal = rollout.replicas + rollout.maxSurge;
  if (current >= maxTotal) return newRs.replicas;
  const scaleUp = Math.min(maxTotal - current, rollout.replicas - newRs.replicas);
  return newRs.replicas + scaleUp;
}
