/**
 * List + watch one query into an in-memory cache, like a client-go reflector: the watch
 * resumes from the last resourceVersion seen (bookmarks keep it fresh), reconnects when the
 * server closes the stream, and re-lists after 410 Gone or any error. Waiting on a cache is
 * event-driven: callers are notified on change, nothing polls.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import type { KubeObject } from '../model/k8s.js';
import type { ObjectCache, WatchQuery } from './cluster-gateway.js';
import { kubeRequest } from './kube-request.js';

const RESOURCE: Record<WatchQuery['kind'], { group: string; plural: string; namespaced: boolean }> = {
  Node: { group: '/api/v1', plural: 'nodes', namespaced: false },
  Pod: { group: '/api/v1', plural: 'pods', namespaced: true },
  Deployment: { group: '/apis/apps/v1', plural: 'deployments', namespaced: true },
  StatefulSet: { group: '/apis/apps/v1', plural: 'statefulsets', namespaced: true },
};

/** The collection path of a query (cluster-wide when no namespace is given). */
export function collectionPath(query: WatchQuery): string {
  const r = RESOURCE[query.kind];
  return r.namespaced && query.namespace ? `${r.group}/namespaces/${encodeURIComponent(query.namespace)}/${r.plural}` : `${r.group}/${r.plural}`;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata.namespace ?? ''}/${o.metadata.name}`;
}

/** How long to wait before re-listing after an error. */
const RETRY_MS = 500;

export function startWatchCache<T extends KubeObject>(kc: KubeConfig, query: WatchQuery): ObjectCache<T> {
  const objects = new Map<string, T>();
  const listeners = new Set<() => void>();
  const path = collectionPath(query);
  const fieldSelector = [query.name ? `metadata.name=${query.name}` : undefined, query.fieldSelector].filter(Boolean).join(',') || undefined;
  let resourceVersion = '';
  let stopped = false;
  let controller: AbortController | undefined;
  let retryTimer: NodeJS.Timeout | undefined;
  let resolveSynced!: () => void;
  let rejectSynced!: (e: unknown) => void;
  let synced = false;
  const syncedPromise = new Promise<void>((res, rej) => {
    resolveSynced = res;
    rejectSynced = rej;
  });
  // Callers that never await `synced` must not see an unhandled rejection.
  syncedPromise.catch(() => undefined);

  const notify = () => {
    for (const l of [...listeners]) l();
  };

  const scheduleRelist = () => {
    if (stopped) return;
    retryTimer = setTimeout(() => void relist(), RETRY_MS);
  };

  const relist = async (): Promise<void> => {
    if (stopped) return;
    try {
      const res = await kubeRequest(kc, {
        method: 'GET',
        path,
        query: { labelSelector: query.labelSelector, fieldSelector },
      });
      if (res.status !== 200) throw new Error(`list ${path} answered HTTP ${res.status}`);
      const list = res.body as { metadata?: { resourceVersion?: string }; items?: T[] };
      objects.clear();
      for (const item of list.items ?? []) {
        item.kind ??= query.kind;
        objects.set(keyOf(item), item);
      }
      resourceVersion = list.metadata?.resourceVersion ?? '';
      if (!synced) {
        synced = true;
        resolveSynced();
      }
      notify();
      await startWatch();
    } catch (err) {
      if (!synced) {
        synced = true;
        rejectSynced(err);
        stopped = true;
        return;
      }
      scheduleRelist();
    }
  };

  const startWatch = async (): Promise<void> => {
    if (stopped) return;
    let gone = false;
    const params: Record<string, string | boolean | undefined> = {
      allowWatchBookmarks: true,
      resourceVersion: resourceVersion || undefined,
      labelSelector: query.labelSelector,
      fieldSelector,
    };
    controller = await new Watch(kc).watch(
      path,
      params,
      (type: string, obj: T & { code?: number }) => {
        if (type === 'BOOKMARK') {
          resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
          return;
        }
        if (type === 'ERROR') {
          gone = true; // 410 Gone or another server-side error: re-list.
          controller?.abort();
          return;
        }
        obj.kind ??= query.kind;
        if (type === 'DELETED') objects.delete(keyOf(obj));
        else objects.set(keyOf(obj), obj);
        resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
        notify();
      },
      (err: unknown) => {
        if (stopped) return;
        const status = (err as { statusCode?: number } | null)?.statusCode;
        if (gone || err || status === 410) scheduleRelist();
        else void startWatch().catch(() => scheduleRelist());
      },
    );
    if (stopped) controller.abort();
  };

  void relist();

  return {
    items: () => [...objects.values()].sort((a, b) => (keyOf(a) < keyOf(b) ? -1 : keyOf(a) > keyOf(b) ? 1 : 0)),
    synced: syncedPromise,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    stop() {
      stopped = true;
      if (retryTimer) clearTimeout(retryTimer);
      controller?.abort();
      listeners.clear();
    },
  };
}
