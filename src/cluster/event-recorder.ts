/**
 * Writes apply's Kubernetes Events (src/apply/cluster-events.ts) as events.k8s.io/v1 Events,
 * reporting controller `sdrain`, one POST each, sent once (no retries: an Event is worth less
 * than the time). A Node's Events go to the `default` namespace, as the kubelet's and the node
 * controllers' do. Failures resolve with a short reason — never headers or the response body's
 * extras — and after a 403 or 404 nothing more is sent: the permission (`sdrain rbac` grants
 * create on events.events.k8s.io) or the API is missing, and apply only warns.
 */
import { randomBytes } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { RecordEvent } from '../apply/apply-deps.js';
import type { ClusterEvent } from '../apply/cluster-events.js';
import { kubeRequest } from './kube-request.js';

export const REPORTING_CONTROLLER = 'sdrain';
/** Annotations on every Event sdrain writes, for selecting them. */
export const EVENT_DIGEST_ANNOTATION = 'sdrain.io/plan-digest';
export const EVENT_MAINTENANCE_ANNOTATION = 'sdrain.io/maintenance';

/** metav1.MicroTime: RFC 3339 with microseconds. */
function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

/** The Event object for one ClusterEvent. `suffix` makes the name unique (like client-go's recorder). */
export function eventObject(e: ClusterEvent, instance: string, suffix: string): Record<string, unknown> {
  const namespace = e.regarding.namespace ?? 'default';
  const regarding: Record<string, unknown> = { apiVersion: e.regarding.apiVersion, kind: e.regarding.kind, name: e.regarding.name };
  if (e.regarding.namespace !== undefined) regarding.namespace = e.regarding.namespace;
  if (e.regarding.uid) regarding.uid = e.regarding.uid;
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: {
      name: `${e.regarding.name}.${suffix}`,
      namespace,
      labels: { 'app.kubernetes.io/managed-by': 'sdrain' },
      annotations: { [EVENT_DIGEST_ANNOTATION]: e.digest, [EVENT_MAINTENANCE_ANNOTATION]: e.maintenance },
    },
    eventTime: microTime(e.at),
    reportingController: REPORTING_CONTROLLER,
    reportingInstance: instance,
    action: e.action,
    reason: e.reason,
    type: e.type,
    note: e.note.slice(0, 1024),
    regarding,
  };
}

export function createEventRecorder(kc: KubeConfig, opts: { instance: string; signal?: AbortSignal }): RecordEvent {
  let disabled: string | undefined;
  let n = 0;
  const base = randomBytes(4).toString('hex');
  // `kubectl describe` finds an object's Events by its UID too; a plan does not carry Node UIDs.
  const nodeUids = new Map<string, Promise<string | undefined>>();
  const nodeUid = (name: string): Promise<string | undefined> => {
    let p = nodeUids.get(name);
    if (!p) {
      p = kubeRequest(kc, { method: 'GET', path: `/api/v1/nodes/${encodeURIComponent(name)}`, retry: false, ...(opts.signal ? { signal: opts.signal } : {}) })
        .then((r) => (r.status === 200 ? ((r.body as { metadata?: { uid?: string } } | undefined)?.metadata?.uid ?? undefined) : undefined))
        .catch(() => undefined);
      nodeUids.set(name, p);
    }
    return p;
  };
  return async (e) => {
    if (disabled) return disabled;
    if (e.regarding.kind === 'Node' && !e.regarding.uid) {
      const uid = await nodeUid(e.regarding.name);
      if (uid) e = { ...e, regarding: { ...e.regarding, uid } };
    }
    const body = eventObject(e, opts.instance, `${base}${(n++).toString(16).padStart(4, '0')}`);
    const ns = (body.metadata as { namespace: string }).namespace;
    try {
      const res = await kubeRequest(kc, { method: 'POST', path: `/apis/events.k8s.io/v1/namespaces/${encodeURIComponent(ns)}/events`, body, retry: false, ...(opts.signal ? { signal: opts.signal } : {}) });
      if (res.status >= 200 && res.status < 300) return undefined;
      const reason =
        res.status === 403
          ? 'forbidden: the identity may not create events.events.k8s.io (`sdrain rbac --for apply` includes it)'
          : res.status === 404
            ? 'the cluster does not serve events.k8s.io/v1 (or the namespace is missing)'
            : `the API server answered ${res.status}`;
      if (res.status === 403 || res.status === 404) disabled = reason;
      return reason;
    } catch (err) {
      return `cannot reach the API server (${(err as Error).message.split('\n')[0]})`;
    }
  };
}
