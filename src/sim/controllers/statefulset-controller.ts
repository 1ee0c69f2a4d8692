/**
 * StatefulSet controller (pkg/controller/statefulset, simplified): pods `<sts>-<ordinal>` for
 * ordinals [start, start+replicas) (spec.ordinals.start), created with their PVCs
 * (`<claim>-<sts>-<ordinal>`, kept when the pod goes). OrderedReady creates one pod at a time
 * (each predecessor Running and Ready first) and removes surplus pods highest ordinal first, one
 * at a time; Parallel does all at once. RollingUpdate replaces pods at an old revision from the
 * highest ordinal down to the partition, keeping at most maxUnavailable (default 1) pods
 * unavailable; OnDelete only gives the new revision to pods that were deleted. Revisions are
 * ControllerRevisions; status.currentRevision becomes updateRevision when every pod is updated
 * and ready, which is what `kubectl rollout status statefulset/x` waits for.
 */
import type { Pod, PersistentVolume, PersistentVolumeClaim, PodTemplate, StatefulSet, StatefulSetStatus } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isPodAvailable, isPodReady, isTerminal, isTerminating } from '../../kube/pod.js';
import { resolveStatefulSetStrategy } from '../../kube/rolling.js';
import { toUnits } from '../../kube/quantity.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import type { WorkQueue } from './work-queue.js';
import { deletePod } from './delete-pod.js';
import { podFromTemplate } from './pod-template.js';
import { nextAvailableAt } from './replicaset-controller.js';
import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision, revisionTemplate, revisionsOf } from './controller-revision.js';

/** The statefulset controller's event source. */
const STS_CONTROLLER = { component: 'statefulset-controller' };

/** Deletes a member pod and records it as upstream's StatefulPodControl does. */
function deleteMember(ctx: ControllerContext, sts: StatefulSet, pod: Pod): void {
  deletePod(ctx.store, pod);
  ctx.events.record(STS_CONTROLLER, sts, { type: 'Normal', reason: 'SuccessfulDelete', message: `delete Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful` });
}

/** Label with the pod's own name (for per-pod Services). */
export const STS_POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
/** Label with the pod's ordinal. */
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

function ordinalOf(sts: StatefulSet, pod: Pod): number | undefined {
  const prefix = `${sts.metadata.name}-`;
  const rest = pod.metadata.name.startsWith(prefix) ? pod.metadata.name.slice(prefix.length) : '';
  return /^(0|[1-9]\d*)$/.test(rest) ? Number(rest) : undefined;
}

function claimName(template: { metadata: { name?: string } }, sts: StatefulSet, ordinal: number): string {
  return `${template.metadata.name ?? ''}-${sts.metadata.name}-${ordinal}`;
}

function runningAndAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  return pod.status?.phase === 'Running' && !isTerminating(pod) && isPodAvailable(pod, minReadySeconds, now);
}

/** Binds `pvc` to an Available PersistentVolume that fits it, if there is one. */
function bindToVolume(ctx: ControllerContext, pvc: PersistentVolumeClaim): void {
  const want = toUnits(pvc.spec.resources?.requests?.storage ?? '0');
  const modes = pvc.spec.accessModes ?? [];
  const cls = pvc.spec.storageClassName ?? '';
  const candidates = [...ctx.cache.all<PersistentVolume>('PersistentVolume')]
    .filter((pv) => !pv.spec.claimRef && (pv.status?.phase ?? 'Available') === 'Available')
    .filter((pv) => (pv.spec.storageClassName ?? '') === cls && modes.every((m) => (pv.spec.accessModes ?? []).includes(m)))
    .filter((pv) => toUnits(pv.spec.capacity?.storage ?? '0') >= want)
    .sort((a, b) => toUnits(a.spec.capacity?.storage ?? '0') - toUnits(b.spec.capacity?.storage ?? '0') || (a.metadata.name < b.metadata.name ? -1 : 1));
  const pv = candidates[0];
  if (!pv) return;
  ctx.store.mutate<PersistentVolume>('PersistentVolume', undefined, pv.metadata.name, (o) => {
    o.spec.claimRef = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid };
  });
  ctx.store.mutate<PersistentVolume>('PersistentVolume', undefined, pv.metadata.name, (o) => {
    o.status = { ...(o.status ?? {}), phase: 'Bound' };
  }, { subresource: 'status' });
  ctx.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (o) => {
    o.spec.volumeName = pv.metadata.name;
  });
  ctx.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (o) => {
    o.status = { phase: 'Bound', accessModes: pv.spec.accessModes ?? modes, capacity: { storage: pv.spec.capacity?.storage ?? '0' } };
  }, { subresource: 'status' });
}

function ensureClaims(ctx: ControllerContext, sts: StatefulSet, ordinal: number): void {
  for (const t of sts.spec.volumeClaimTemplates ?? []) {
    const name = claimName(t, sts, ordinal);
    if (ctx.cache.get('PersistentVolumeClaim', sts.metadata.namespace, name)) continue;
    const created = ctx.store.create<PersistentVolumeClaim>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name,
        namespace: sts.metadata.namespace,
        labels: { ...(t.metadata.labels ?? {}), ...(sts.spec.selector.matchLabels ?? {}) },
        ...(t.metadata.annotations ? { annotations: { ...t.metadata.annotations } } : {}),
      },
      spec: structuredClone(t.spec),
      status: { phase: 'Pending' },
    });
    ctx.events.record(STS_CONTROLLER, sts, { type: 'Normal', reason: 'SuccessfulCreate', message: `create Claim ${name} Pod ${sts.metadata.name}-${ordinal} in StatefulSet ${sts.metadata.name} success` });
    bindToVolume(ctx, created);
  }
}

function newPod(sts: StatefulSet, template: PodTemplate, revision: string, ordinal: number): Pod {
  const name = `${sts.metadata.name}-${ordinal}`;
  const pod = podFromTemplate(sts, template, {
    name,
    extraLabels: { [CONTROLLER_REVISION_HASH_LABEL]: revision, [STS_POD_NAME_LABEL]: name, [POD_INDEX_LABEL]: String(ordinal) },
  });
  pod.spec.hostname = name;
  if (sts.spec.serviceName) pod.spec.subdomain = sts.spec.serviceName;
  const volumes = (pod.spec.volumes ?? []).filter((v) => !(sts.spec.volumeClaimTemplates ?? []).some((t) => t.metadata.name === v.name));
  for (const t of sts.spec.volumeClaimTemplates ?? []) {
    volumes.push({ name: t.metadata.name ?? '', persistentVolumeClaim: { claimName: claimName(t, sts, ordinal) } });
  }
  if (volumes.length > 0) pod.spec.volumes = volumes;
  return pod;
}

/** The StatefulSet controller (see the file comment). */
export function statefulSetController(ctx: ControllerContext): Controller {
  /** StatefulSets synced at least once: only on first sight is a loaded updateRevision trusted. */
  const seen = new Set<string>();
  return {
    name: 'statefulset',
    start(queue) {
      for (const s of ctx.cache.all<StatefulSet>('StatefulSet')) queue.add(objectKey(s));
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'StatefulSet') {
        if (ev.type !== 'DELETED') queue.add(objectKey(ev.object));
      } else if (ev.kind === 'Pod') {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'StatefulSet') queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
      }
    },
    sync(key, queue) {
      const { namespace, name } = splitKey(key);
      const sts = ctx.cache.get<StatefulSet>('StatefulSet', namespace, name);
      if (!sts || !sts.metadata.uid) return;
      const now = ctx.clock.now();
      const generation = sts.metadata.generation ?? 1;
      const observed = !seen.has(sts.metadata.uid) && sts.status?.observedGeneration === generation;
      seen.add(sts.metadata.uid);
      const update = ensureRevision(ctx, sts, sts.spec.template, observed ? sts.status?.updateRevision : undefined);
      const updateRevision = update.metadata.name;
      const currentRevision = sts.status?.currentRevision && revisionsOf(ctx, sts).some((r) => r.metadata.name === sts.status!.currentRevision)
        ? sts.status.currentRevision
        : updateRevision;
      const currentTemplate = revisionTemplate(revisionsOf(ctx, sts).find((r) => r.metadata.name === currentRevision)) ?? sts.spec.template;
      const rollout = resolveStatefulSetStrategy(sts);
      const start = sts.spec.ordinals?.start ?? 0;
      const replicas = rollout.replicas;
      const minReady = sts.spec.minReadySeconds ?? 0;
      const monotonic = (sts.spec.podManagementPolicy ?? 'OrderedReady') === 'OrderedReady';
      const healthy = (p: Pod | undefined) => !!p && runningAndAvailable(p, minReady, now);
      const revisionOf = (p: Pod) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];

      const owned = ctx.cache.controlledBy<Pod>('Pod', sts.metadata.uid);
      const slots = new Map<number, Pod>();
      const condemned: Pod[] = [];
      for (const p of owned) {
        const ord = ordinalOf(sts, p);
        if (ord !== undefined && ord >= start && ord < start + replicas) slots.set(ord, p);
        else condemned.push(p);
      }
      condemned.sort((a, b) => (ordinalOf(sts, b) ?? -1) - (ordinalOf(sts, a) ?? -1));

      const reconcile = (): void => {
        if (sts.metadata.deletionTimestamp) return;
        // 1. Create missing pods, replace finished ones, in ordinal order.
        for (let ord = start; ord < start + replicas; ord++) {
          const pod = slots.get(ord);
          if (pod && isTerminal(pod) && !isTerminating(pod)) {
            deleteMember(ctx, sts, pod);
            if (monotonic) return;
            continue;
          }
          if (!pod) {
            const useCurrent = rollout.type === 'RollingUpdate' && ord < start + rollout.partition;
            ensureClaims(ctx, sts, ord);
            const pod = ctx.store.create(newPod(sts, useCurrent ? currentTemplate : sts.spec.template, useCurrent ? currentRevision : updateRevision, ord));
            ctx.events.record(STS_CONTROLLER, sts, { type: 'Normal', reason: 'SuccessfulCreate', message: `create Pod ${pod.metadata.name} in StatefulSet ${sts.metadata.name} successful` });
            if (monotonic) return;
            continue;
          }
          if (monotonic && (isTerminating(pod) || !healthy(pod))) return;
        }
        // 2. Remove pods beyond the replica range, highest ordinal first.
        for (const pod of condemned) {
          if (isTerminating(pod)) {
            if (monotonic) return;
            continue;
          }
          if (monotonic && [...slots.values()].some((p) => !healthy(p))) return;
          deleteMember(ctx, sts, pod);
          if (monotonic) return;
        }
        // 3. Rolling update from the highest ordinal down to the partition.
        if (rollout.type !== 'RollingUpdate') return;
        let unavailable = 0;
        for (let ord = start; ord < start + replicas; ord++) if (!healthy(slots.get(ord))) unavailable++;
        for (let ord = start + replicas - 1; ord >= start + rollout.partition && unavailable < rollout.maxUnavailable; ord--) {
          const pod = slots.get(ord);
          if (!pod || isTerminating(pod) || revisionOf(pod) === updateRevision) continue;
          deleteMember(ctx, sts, pod);
          if (healthy(pod)) unavailable++;
        }
      };
      reconcile();

      // Status, from the cache after this sync's writes.
      const after = ctx.cache.controlledBy<Pod>('Pod', sts.metadata.uid).filter((p) => {
        const ord = ordinalOf(sts, p);
        return ord !== undefined && ord >= start && ord < start + replicas;
      });
      const live = after.filter((p) => !isTerminating(p));
      const status: StatefulSetStatus = {
        observedGeneration: generation,
        replicas: after.length,
        readyReplicas: after.filter((p) => p.status?.phase === 'Running' && isPodReady(p)).length,
        availableReplicas: after.filter((p) => runningAndAvailable(p, minReady, now)).length,
        currentReplicas: live.filter((p) => revisionOf(p) === currentRevision).length,
        updatedReplicas: live.filter((p) => revisionOf(p) === updateRevision).length,
        currentRevision,
        updateRevision,
        collisionCount: sts.status?.collisionCount ?? 0,
      };
      if (status.updatedReplicas === replicas && status.readyReplicas === replicas && status.replicas === replicas && rollout.type === 'RollingUpdate') {
        status.currentRevision = updateRevision;
        status.currentReplicas = status.updatedReplicas;
      }
      if (sts.status?.conditions) status.conditions = sts.status.conditions;
      if (JSON.stringify(sts.status ?? {}) !== JSON.stringify(status)) {
        ctx.store.mutate<StatefulSet>('StatefulSet', namespace, name, (o) => {
          o.status = status;
        }, { subresource: 'status' });
      }
      const at = nextAvailableAt(after, minReady, now);
      if (at !== undefined) (queue as WorkQueue).addAfter(key, at - now);
    },
  };
}
