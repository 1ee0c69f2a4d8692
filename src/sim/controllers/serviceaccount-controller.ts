/**
 * The service-account controller of kube-controller-manager, as far as clients notice it: every
 * namespace that is not terminating gets a ServiceAccount `default` soon after it appears, and
 * gets it back when it is deleted. Pods (through the API's ServiceAccount admission) and
 * `kubectl create token default` rely on it; the real-cluster tier waits for it as it does on
 * a real control plane. Its uid is derived from the namespace and name, so adding it never
 * shifts the seeded names and uids of other objects.
 */
import type { KubeObject } from '../../model/k8s.js';
import { derivedUid } from '../../snapshot/build-snapshot.js';
import type { StoreEvent } from '../store/types.js';
import type { Controller, ControllerContext } from './controller.js';

const DEFAULT_SA = 'default';

/** The service-account controller (see the file comment). */
export function serviceAccountController(ctx: ControllerContext): Controller {
  return {
    name: 'serviceaccount',
    start(queue) {
      for (const ns of ctx.cache.all('Namespace')) queue.add(ns.metadata.name);
    },
    onEvent(ev: StoreEvent, queue) {
      if (ev.kind === 'Namespace' && ev.type !== 'DELETED') queue.add(ev.object.metadata.name);
      if (ev.kind === 'ServiceAccount' && ev.type === 'DELETED' && ev.object.metadata.name === DEFAULT_SA) queue.add(ev.object.metadata.namespace ?? '');
    },
    sync(namespace) {
      const ns = ctx.cache.get('Namespace', undefined, namespace);
      if (!ns || ns.metadata.deletionTimestamp || (ns.status as { phase?: string } | undefined)?.phase === 'Terminating') return;
      if (ctx.cache.get('ServiceAccount', namespace, DEFAULT_SA)) return;
      const sa: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: DEFAULT_SA, namespace, uid: derivedUid('ServiceAccount', namespace, DEFAULT_SA) } };
      ctx.store.load(sa);
    },
  };
}
