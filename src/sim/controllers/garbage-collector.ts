/**
 * Garbage collector, background propagation only: when an object is removed, each dependent
 * (ownerReference by uid) whose owners are now all gone is deleted — pods gracefully, other
 * kinds at once — and a dependent that still has a live owner loses the dangling reference.
 * Foreground deletion (the API server leaves a `foregroundDeletion` finalizer on the owner):
 * dependents are deleted first and the finalizer is removed once none is left.
 * Pod GC: pods bound to a node that is deleted while the simulator runs are removed (force,
 * no grace) after upstream's 40 s quarantine, if the node has not come back.
 * It reacts to owner removals seen while running; dependents loaded without their owners are
 * left alone (a partial dump must not be wiped). Owners of kinds the controllers do not watch
 * (CronJob, custom resources) are assumed alive.
 */
import type { KubeObject, Pod } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import type { Controller, ControllerContext } from './controller.js';
import { WATCHED_KINDS, objectKey, splitKey } from './object-cache.js';
import { deletePod } from './delete-pod.js';

const WATCHED = new Set<string>(WATCHED_KINDS);
const FOREGROUND = 'foregroundDeletion';
/** podgc's quarantine before deleting pods of a vanished node. */
export const ORPHAN_POD_QUARANTINE_MS = 40_000;

/** The garbage collector (see the file comment). */
export function garbageCollector(ctx: ControllerContext): Controller {
  const ownerAlive = (ref: NonNullable<KubeObject['metadata']['ownerReferences']>[number]) =>
    !WATCHED.has(ref.kind) || ctx.cache.getByUid(ref.uid) !== undefined;
  const syncForeground = (ref: string) => {
    const sep = ref.indexOf('|');
    const kind = ref.slice(0, sep);
    const { namespace, name } = splitKey(ref.slice(sep + 1));
    const owner = ctx.cache.get(kind, namespace, name);
    if (!owner?.metadata.deletionTimestamp || !owner.metadata.finalizers?.includes(FOREGROUND)) return;
    const dependents = ctx.cache.dependentsOf(owner.metadata.uid ?? '');
    for (const d of dependents) {
      if (d.object.metadata.deletionTimestamp) continue;
      if (d.kind === 'Pod') deletePod(ctx.store, d.object as Pod);
      else ctx.store.remove(d.kind, d.object.metadata.namespace, d.object.metadata.name, { uid: d.object.metadata.uid });
    }
    if (ctx.cache.dependentsOf(owner.metadata.uid ?? '').length > 0) return;
    ctx.store.mutate(kind, namespace, name, (o) => {
      o.metadata.finalizers = (o.metadata.finalizers ?? []).filter((f) => f !== FOREGROUND);
    });
  };
  return {
    name: 'garbage-collector',
    start(queue) {
      for (const kind of WATCHED_KINDS) {
        for (const o of ctx.cache.all(kind)) if (o.metadata.finalizers?.includes(FOREGROUND)) queue.add(`fg|${kind}|${objectKey(o)}`);
      }
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.type !== 'DELETED' && ev.object.metadata.deletionTimestamp && ev.object.metadata.finalizers?.includes(FOREGROUND)) {
        queue.add(`fg|${ev.kind}|${objectKey(ev.object)}`);
      }
      if (ev.kind === 'Node' && ev.type === 'DELETED') {
        for (const p of ctx.cache.podsOnNode(ev.object.metadata.name)) queue.addAfter(`podgc|${objectKey(p)}`, ORPHAN_POD_QUARANTINE_MS);
      }
      if (!ev.object.metadata.uid) return;
      if (ev.type === 'DELETED') {
        for (const d of ctx.cache.dependentsOf(ev.object.metadata.uid)) queue.add(`${d.kind}|${objectKey(d.object)}`);
      }
      // A dependent went away: its foreground-deleting owner may be done.
      if (ev.type === 'DELETED') {
        for (const ref of ev.object.metadata.ownerReferences ?? []) {
          const owner = ctx.cache.getByUid(ref.uid);
          if (owner?.object.metadata.finalizers?.includes(FOREGROUND)) queue.add(`fg|${owner.kind}|${objectKey(owner.object)}`);
        }
      }
    },
    sync(key) {
      if (key.startsWith('fg|')) {
        syncForeground(key.slice(3));
        return;
      }
      if (key.startsWith('podgc|')) {
        const { namespace, name } = splitKey(key.slice(6));
        const pod = ctx.cache.get<Pod>('Pod', namespace, name);
        if (pod?.spec.nodeName && !ctx.cache.get('Node', undefined, pod.spec.nodeName)) ctx.store.remove('Pod', namespace, name, { uid: pod.metadata.uid });
        return;
      }
      const sep = key.indexOf('|');
      const kind = key.slice(0, sep);
      const { namespace, name } = splitKey(key.slice(sep + 1));
      const obj = ctx.cache.get(kind, namespace, name);
      if (!obj || obj.metadata.deletionTimestamp) return;
      const refs = obj.metadata.ownerReferences ?? [];
      const alive = refs.filter(ownerAlive);
      if (alive.length === refs.length) return;
      if (alive.length > 0) {
        ctx.store.mutate(kind, namespace, name, (o) => {
          o.metadata.ownerReferences = (o.metadata.ownerReferences ?? []).filter(ownerAlive);
        });
        return;
      }
      if (kind === 'Pod') deletePod(ctx.store, obj as Pod);
      else ctx.store.remove(kind, namespace, name, { uid: obj.metadata.uid });
    },
  };
}
