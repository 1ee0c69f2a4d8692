/**
 * DaemonSet controller (pkg/controller/daemon, simplified): one pod per eligible node, where a
 * node is eligible when it matches the pod's nodeSelector / required node affinity and every
 * NoSchedule/NoExecute taint is tolerated — counting the tolerations upstream adds to daemon
 * pods (not-ready, unreachable, disk/memory/pid-pressure, unschedulable, and
 * network-unavailable for hostNetwork), so cordoned nodes keep their daemons. Each pod is pinned
 * with required node affinity `matchFields metadata.name In [node]` and bound by the scheduler.
 * An untolerated NoExecute taint removes the pod; an untolerated NoSchedule taint only stops new
 * ones. RollingUpdate replaces old-revision pods keeping at most maxUnavailable unavailable, or
 * with maxSurge starts up to maxSurge new pods beside available old ones and removes each old
 * pod once its replacement is available; OnDelete waits.
 */
import type { V1Toleration } from '@kubernetes/client-node';
import type { DaemonSet, DaemonSetStatus, Node, Pod } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import { controllerOf, isPodAvailable, isPodReady, isTerminal, isTerminating } from '../../kube/pod.js';
import { resolveDaemonSetStrategy } from '../../kube/rolling.js';
import { compilePodNodeConstraints, pinnedNodeNames } from '../../placement/node-selector.js';
import { firstUntoleratedTaint } from '../../placement/predicates/taint-toleration.js';
import type { Controller, ControllerContext } from './controller.js';
import { objectKey, splitKey } from './object-cache.js';
import { deletePod } from './delete-pod.js';
import { podFromTemplate } from './pod-template.js';
import { nextAvailableAt } from './replicaset-controller.js';
import { CONTROLLER_REVISION_HASH_LABEL, ensureRevision } from './controller-revision.js';

/** The daemonset controller's event source. */
const DS_CONTROLLER = { component: 'daemonset-controller' };

function createDaemonPod(ctx: ControllerContext, ds: DaemonSet, node: string, hash: string): void {
  const pod = ctx.store.create(daemonPod(ds, node, hash));
  ctx.events.record(DS_CONTROLLER, ds, { type: 'Normal', reason: 'SuccessfulCreate', message: `Created pod: ${pod.metadata.name}` });
}

function deleteDaemonPod(ctx: ControllerContext, ds: DaemonSet, pod: Pod): void {
  if (pod.metadata.deletionTimestamp) return;
  deletePod(ctx.store, pod);
  ctx.events.record(DS_CONTROLLER, ds, { type: 'Normal', reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}` });
}

const DAEMON_TOLERATIONS: V1Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

/** The template's tolerations plus the ones the DaemonSet controller adds (no duplicates). */
export function daemonTolerations(ds: DaemonSet): V1Toleration[] {
  const out = [...(ds.spec.template.spec.tolerations ?? [])];
  const extra = [...DAEMON_TOLERATIONS];
  if (ds.spec.template.spec.hostNetwork) extra.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  for (const t of extra) if (!out.some((o) => o.key === t.key && o.effect === t.effect)) out.push(t);
  return out;
}

/** Whether a daemon pod should be created on / may keep running on `node`. */
export function daemonPlacement(ds: DaemonSet, node: Node): { shouldRun: boolean; shouldContinue: boolean } {
  const spec = ds.spec.template.spec;
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinue: false };
  const facts = { name: node.metadata.name, labels: node.metadata.labels ?? {} };
  if (!compilePodNodeConstraints({ spec } as Pod)(facts)) return { shouldRun: false, shouldContinue: false };
  const tolerations = daemonTolerations(ds);
  const taints = (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value, effect: t.effect }));
  const noExecute = firstUntoleratedTaint(tolerations, taints.filter((t) => t.effect === 'NoExecute'));
  if (noExecute) return { shouldRun: false, shouldContinue: false };
  return { shouldRun: !firstUntoleratedTaint(tolerations, taints), shouldContinue: true };
}

function podNode(pod: Pod): string | undefined {
  if (pod.spec.nodeName) return pod.spec.nodeName;
  const pinned = pinnedNodeNames(pod);
  return pinned && pinned.size === 1 ? [...pinned][0] : undefined;
}

function daemonPod(ds: DaemonSet, node: string, hash: string): Pod {
  const pod = podFromTemplate(ds, ds.spec.template, {
    extraLabels: { [CONTROLLER_REVISION_HASH_LABEL]: hash, 'pod-template-generation': String(ds.metadata.generation ?? 1) },
  });
  pod.spec.tolerations = daemonTolerations(ds);
  const affinity = { ...(pod.spec.affinity ?? {}) };
  const nodeAffinity = { ...(affinity.nodeAffinity ?? {}) };
  const pin = { key: 'metadata.name', operator: 'In', values: [node] };
  const terms = nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  // ReplaceDaemonSetPodNodeNameNodeAffinity: keep label terms, replace name fields with the pin.
  nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: terms.length === 0 ? [{ matchFields: [pin] }] : terms.map((t) => ({ ...t, matchFields: [pin] })),
  };
  affinity.nodeAffinity = nodeAffinity;
  pod.spec.affinity = affinity;
  return pod;
}

/** The DaemonSet controller (see the file comment). */
export function daemonSetController(ctx: ControllerContext): Controller {
  /** DaemonSets synced at least once: only on first sight are loaded pods' revisions trusted. */
  const seen = new Set<string>();
  const enqueueAll = (queue: Parameters<Controller['start']>[0]) => {
    for (const ds of ctx.cache.all<DaemonSet>('DaemonSet')) queue.add(objectKey(ds));
  };
  return {
    name: 'daemonset',
    start: enqueueAll,
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'DaemonSet') {
        if (ev.type !== 'DELETED') queue.add(objectKey(ev.object));
      } else if (ev.kind === 'Pod') {
        const ref = controllerOf(ev.object);
        if (ref?.kind === 'DaemonSet') queue.add(`${ev.object.metadata.namespace}/${ref.name}`);
      } else if (ev.kind === 'Node') {
        const o = ev.old as Node | undefined;
        const n = ev.object as Node;
        const changed = !o || ev.type !== 'MODIFIED' || JSON.stringify(o.metadata.labels) !== JSON.stringify(n.metadata.labels) || JSON.stringify(o.spec?.taints) !== JSON.stringify(n.spec?.taints);
        if (changed) enqueueAll(queue);
      }
    },
    sync(key, queue) {
      const { namespace, name } = splitKey(key);
      const ds = ctx.cache.get<DaemonSet>('DaemonSet', namespace, name);
      if (!ds || !ds.metadata.uid) return;
      const now = ctx.clock.now();
      const minReady = ds.spec.minReadySeconds ?? 0;
      const generation = ds.metadata.generation ?? 1;
      const owned = ctx.cache.controlledBy<Pod>('Pod', ds.metadata.uid);
      let trusted: string | undefined;
      const firstSight = !seen.has(ds.metadata.uid);
      seen.add(ds.metadata.uid);
      if (firstSight && ds.status?.observedGeneration === generation) {
        const counts = new Map<string, number>();
        for (const p of owned) {
          const h = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL];
          if (h) counts.set(h, (counts.get(h) ?? 0) + 1);
        }
        const top = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
        if (top) trusted = `${ds.metadata.name}-${top[0]}`;
      }
      const revision = ensureRevision(ctx, ds, ds.spec.template, trusted);
      const hash = revision.metadata.name.slice(ds.metadata.name.length + 1);
      const byNode = new Map<string, Pod[]>();
      const nowhere: Pod[] = [];
      for (const p of owned) {
        const n = podNode(p);
        if (n === undefined) nowhere.push(p);
        else {
          const list = byNode.get(n);
          if (list) list.push(p);
          else byNode.set(n, [p]);
        }
      }
      const nodes = [...ctx.cache.all<Node>('Node')].sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : 1));
      const nodeNames = new Set(nodes.map((n) => n.metadata.name));
      const eligible: string[] = [];
      if (!ds.metadata.deletionTimestamp) {
        for (const node of nodes) {
          const { shouldRun, shouldContinue } = daemonPlacement(ds, node);
          const pods = (byNode.get(node.metadata.name) ?? []).filter((p) => !isTerminating(p));
          if (shouldRun) eligible.push(node.metadata.name);
          if (shouldRun && pods.length === 0) {
            createDaemonPod(ctx, ds, node.metadata.name, hash);
          } else if (!shouldContinue) {
            for (const p of pods) deleteDaemonPod(ctx, ds, p);
          } else {
            for (const p of pods.filter(isTerminal)) deleteDaemonPod(ctx, ds, p);
            // Duplicates: keep the oldest pod of each revision (an old and a new pod may coexist while surging).
            const running = pods.filter((p) => !isTerminal(p)).sort((a, b) => ((a.metadata.creationTimestamp ?? '') < (b.metadata.creationTimestamp ?? '') ? -1 : a.metadata.name < b.metadata.name ? -1 : 1));
            const kept = new Set<string>();
            for (const p of running) {
              const rev = p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] ?? '';
              if (kept.has(rev)) deleteDaemonPod(ctx, ds, p);
              else kept.add(rev);
            }
          }
        }
        for (const [n, pods] of byNode) if (!nodeNames.has(n)) for (const p of pods) deleteDaemonPod(ctx, ds, p);
        for (const p of nowhere) deleteDaemonPod(ctx, ds, p);
        // Rolling update: replace old-revision pods within the maxUnavailable budget.
        const rollout = resolveDaemonSetStrategy(ds, eligible.length);
        if (rollout.type === 'RollingUpdate') {
          const live = new Map<string, Pod[]>();
          for (const p of ctx.cache.controlledBy<Pod>('Pod', ds.metadata.uid)) {
            const n = podNode(p);
            if (n === undefined || isTerminating(p) || isTerminal(p)) continue;
            const list = live.get(n);
            if (list) list.push(p);
            else live.set(n, [p]);
          }
          const isNew = (p: Pod) => p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash;
          if (rollout.maxSurge > 0) {
            // Surge: start the new pod beside an available old one, remove the old once the new is available.
            let surging = eligible.filter((n) => (live.get(n) ?? []).some(isNew) && (live.get(n) ?? []).some((p) => !isNew(p))).length;
            for (const n of eligible) {
              const pods = live.get(n) ?? [];
              const oldPods = pods.filter((p) => !isNew(p));
              if (oldPods.length === 0) continue;
              const fresh = pods.filter(isNew);
              if (fresh.some((p) => isPodAvailable(p, minReady, now))) {
                for (const p of oldPods) deleteDaemonPod(ctx, ds, p);
              } else if (fresh.length === 0) {
                if (!oldPods.some((p) => isPodAvailable(p, minReady, now))) for (const p of oldPods) deleteDaemonPod(ctx, ds, p);
                else if (surging < rollout.maxSurge) {
                  createDaemonPod(ctx, ds, n, hash);
                  surging++;
                }
              }
            }
          } else {
            let unavailable = 0;
            const old: { pod: Pod; available: boolean }[] = [];
            for (const n of eligible) {
              const pods = live.get(n) ?? [];
              const available = pods.some((p) => isPodAvailable(p, minReady, now));
              if (!available) unavailable++;
              for (const p of pods) if (!isNew(p)) old.push({ pod: p, available });
            }
            // Unavailable old pods go first: replacing them costs no availability.
            for (const o of old.filter((x) => !x.available)) deleteDaemonPod(ctx, ds, o.pod);
            for (const o of old.filter((x) => x.available)) {
              if (unavailable >= Math.max(1, rollout.maxUnavailable)) break;
              deleteDaemonPod(ctx, ds, o.pod);
              unavailable++;
            }
          }
        }
      }
      const after = ctx.cache.controlledBy<Pod>('Pod', ds.metadata.uid).filter((p) => !isTerminal(p));
      const scheduledOn = new Map<string, Pod>();
      for (const p of after) if (p.spec.nodeName && !isTerminating(p)) scheduledOn.set(p.spec.nodeName, p);
      const eligibleSet = new Set(eligible);
      let current = 0, misscheduled = 0, ready = 0, available = 0, updated = 0;
      for (const [n, p] of scheduledOn) {
        if (!eligibleSet.has(n)) {
          misscheduled++;
          continue;
        }
        current++;
        if (isPodReady(p)) ready++;
        if (isPodAvailable(p, minReady, now)) available++;
        if (p.metadata.labels?.[CONTROLLER_REVISION_HASH_LABEL] === hash) updated++;
      }
      const status: DaemonSetStatus = {
        currentNumberScheduled: current,
        desiredNumberScheduled: eligible.length,
        numberMisscheduled: misscheduled,
        numberReady: ready,
        numberAvailable: available,
        numberUnavailable: Math.max(0, eligible.length - available),
        updatedNumberScheduled: updated,
        observedGeneration: generation,
      };
      if (ds.status?.collisionCount !== undefined) status.collisionCount = ds.status.collisionCount;
      if (JSON.stringify(ds.status ?? {}) !== JSON.stringify(status)) {
        ctx.store.mutate<DaemonSet>('DaemonSet', namespace, name, (o) => {
          o.status = status;
        }, { subresource: 'status' });
      }
      const at = nextAvailableAt(after, minReady, now);
      if (at !== undefined) queue.addAfter(key, at - now);
    },
  };
}
