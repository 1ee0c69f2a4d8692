/**
 * List + watch one query into an in-memory cache, like a client-go reflector: the list is read in
 * pages (one consistent resourceVersion across its pages), the watch resumes from the last
 * resourceVersion seen (bookmarks keep it fresh), reconnects when the server closes the stream,
 * and re-lists after 410 Gone or any error. Waiting on a cache is event-driven: callers are
 * notified on change, nothing polls.
 *
 * Each wait of apply has a cache of its own, narrowed on the server by its query's field and
 * label selectors (kube-gateway.ts), so it receives only the events of the objects it waits on.
 */
import { Watch, type KubeConfig } from '@kubernetes/client-node';
import { keyOfObject } from '../kube/object-key.js';
import { compareStrings } from '../placement/compare-strings.js';
import { ClusterError } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';
import { toClusterError } from './api-error.js';
import type { ObjectCache, WatchQuery } from './cluster-gateway.js';
import { kubeRequest, timerSleep, type Sleep } from './kube-request.js';

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

const keyOf = keyOfObject;

function byKey(a: KubeObject, b: KubeObject): number {
  return compareStrings(keyOf(a), keyOf(b));
}

/**
 * A 401/403 on a re-list or watch is final (retrying cannot fix RBAC): the error the cache then
 * throws from items(), with the forbidden hint. (rbac-2; see NOTES-rbac-2.md)
 */
function authFailure(status: unknown, verb: string, query: WatchQuery, message?: string): ClusterError | undefined {
  if (status !== 401 && status !== 403) return undefined;
  const r = RESOURCE[query.kind];
  const group = r.group.startsWith('/apis/') ? r.group.split('/')[2]! : '';
  const ns = r.namespaced && query.namespace ? ` in the namespace "${query.namespace}"` : '';
  const denied = message ?? (status === 403 ? `${r.plural} is forbidden: cannot ${verb} resource "${r.plural}" in API group "${group}"${ns}` : 'Unauthorized');
  return toClusterError({ code: status, body: { message: denied, reason: status === 403 ? 'Forbidden' : 'Unauthorized' } }, { action: `${verb} ${r.plural}`, scope: 'apply' }) as ClusterError;
}

/** How long to wait before re-listing after an error. */
const RETRY_MS = 500;

/** Items per list page (the API server caps it anyway). */
const PAGE_SIZE = 500;

/**
 * Every page of a list (`limit` + `continue`); the resourceVersion is the list's, the same on
 * every page. A non-200 answer throws `{ code, body }` (api-error.ts toClusterError reads it).
 */
async function listAllPages<T extends KubeObject>(
  kc: KubeConfig,
  path: string,
  query: { labelSelector?: string; fieldSelector?: string } = {},
  signal?: AbortSignal,
): Promise<{ items: T[]; resourceVersion: string }> {
  const items: T[] = [];
  let cont: string | undefined;
  let rv = '';
  for (;;) {
    const res = await kubeRequest(kc, { method: 'GET', path, query: { ...query, limit: String(PAGE_SIZE), continue: cont }, ...(signal ? { signal } : {}) });
    if (res.status !== 200) throw Object.assign(new Error(`list ${path} answered HTTP ${res.status}`), { code: res.status, body: res.body });
    const list = res.body as { metadata?: { resourceVersion?: string; continue?: string }; items?: T[] } | undefined;
    if (!list || !Array.isArray(list.items)) throw new ClusterError(`Cannot list ${path}: the server's answer has no items list`, { status: res.status });
    for (const item of list.items) items.push(item);
    rv ||= list.metadata?.resourceVersion ?? '';
    cont = list.metadata?.continue || undefined;
    if (!cont) return { items, resourceVersion: rv };
  }
}

/** How a cache waits and when it gives up: apply's injected clock and its Ctrl-C signal. */
export interface WatchCacheOptions {
  /** The clock the re-list backoff sleeps on (default: real timers). */
  sleep?: Sleep;
  /**
   * Ctrl-C: ends the re-list backoff and stops re-listing (the cache keeps what it has), like the
   * gateway's stopRetrying; a list in flight is aborted only by stop().
   */
  signal?: AbortSignal;
}

export function startWatchCache<T extends KubeObject>(kc: KubeConfig, query: WatchQuery, opts: WatchCacheOptions = {}): ObjectCache<T> {
  const objects = new Map<string, T>();
  const listeners = new Set<() => void>();
  const path = collectionPath(query);
  const fieldSelector = [query.name ? `metadata.name=${query.name}` : undefined, query.fieldSelector].filter(Boolean).join(',') || undefined;
  let resourceVersion = '';
  let stopped = false;
  let controller: AbortController | undefined;
  // Aborts a list in flight and the re-list backoff when the cache is stopped or fails; Ctrl-C
  // (opts.signal) only ends the backoff.
  const lists = new AbortController();
  const retrySignal = opts.signal ? AbortSignal.any([lists.signal, opts.signal]) : lists.signal;
  const sleep = opts.sleep ?? timerSleep;
  let resolveSynced!: () => void;
  let rejectSynced!: (e: unknown) => void;
  let synced = false;
  let failure: ClusterError | undefined;
  const syncedPromise = new Promise<void>((res, rej) => {
    resolveSynced = res;
    rejectSynced = rej;
  });
  // Callers that never await `synced` must not see an unhandled rejection.
  syncedPromise.catch(() => undefined);

  const changed = () => {
    for (const l of [...listeners]) l();
  };

  const fail = (e: ClusterError) => {
    failure = e;
    stopped = true;
    controller?.abort();
    lists.abort();
    // Every waiter looks again and gets the error from items(); one listener's throw must not hide it from the rest.
    for (const l of [...listeners]) {
      try {
        l();
      } catch {
        // it gets the error through items()
      }
    }
  };

  const scheduleRelist = () => {
    if (stopped) return;
    void sleep(RETRY_MS, retrySignal).then(() => {
      if (!retrySignal.aborted) void relist();
    });
  };

  const listAll = () => listAllPages<T>(kc, path, { labelSelector: query.labelSelector, fieldSelector }, lists.signal);

  const relist = async (): Promise<void> => {
    if (stopped) return;
    try {
      const list = await listAll();
      if (stopped) return;
      objects.clear();
      for (const item of list.items) {
        item.kind ??= query.kind;
        objects.set(keyOf(item), item);
      }
      resourceVersion = list.resourceVersion;
      if (!synced) {
        synced = true;
        resolveSynced();
      }
      changed();
      await startWatch();
    } catch (err) {
      if (stopped && synced) return; // stopped (or failed) while the list was in flight
      if (!synced) {
        synced = true;
        rejectSynced(toClusterError(err, { action: `list ${RESOURCE[query.kind].plural}`, scope: 'apply' }));
        stopped = true;
        return;
      }
      const e = err as { code?: unknown; body?: { message?: unknown } } | null;
      const denied = authFailure(e?.code, 'list', query, typeof e?.body?.message === 'string' ? e.body.message : undefined);
      if (denied) return fail(denied);
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
        const key = keyOf(obj);
        if (type === 'DELETED') objects.delete(key);
        else objects.set(key, obj);
        resourceVersion = obj.metadata?.resourceVersion ?? resourceVersion;
        changed();
      },
      (err: unknown) => {
        if (stopped) return;
        const status = (err as { statusCode?: number } | null)?.statusCode;
        const denied = authFailure(status, 'watch', query);
        if (denied) return fail(denied);
        if (gone || err || status === 410) scheduleRelist();
        else void startWatch().catch(() => scheduleRelist());
      },
    );
    if (stopped) controller.abort();
  };

  void relist();

  return {
    items: () => {
      if (failure) throw failure;
      return [...objects.values()].sort(byKey);
    },
    synced: syncedPromise,
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    error: () => failure,
    stop() {
      stopped = true;
      controller?.abort();
      lists.abort();
      listeners.clear();
    },
  };
}
