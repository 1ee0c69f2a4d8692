/**
 * Watch streams: newline-delimited JSON events over a chunked 200 response, resumable from a
 * resourceVersion through the store's event log (too old → an ERROR event carrying a 410
 * Status), with WatchList support (initial ADDED events, then the `k8s.io/initial-events-end`
 * bookmark) that `kubectl rollout status` relies on. Streams stay open until the client goes,
 * `timeoutSeconds` passes or the server stops — kubectl `get -w` exits if we end early.
 */
import type { ServerResponse } from 'node:http';
import type { KubeObject } from '../../model/k8s.js';
import type { StoreEvent } from '../store/types.js';
import type { MemoryStore } from '../store/memory-store.js';
import { apiVersionOf, type ResourceInfo } from './resources.js';
import { toTable } from './table.js';
import { ApiError } from './status.js';

export interface WatchRequest {
  res: ResourceInfo;
  namespace?: string;
  /** Namespace, label and field selectors combined. */
  matches: (o: KubeObject) => boolean;
  resourceVersion: string | null;
  allowWatchBookmarks: boolean;
  sendInitialEvents: boolean;
  /** `sendInitialEvents=false` given explicitly: no synthetic ADDED even without a resourceVersion. */
  noInitialEvents?: boolean;
  timeoutSeconds?: number;
  table: boolean;
}

export interface WatchOptions {
  /** Wall-clock now for Table ages. */
  now: () => number;
  /** How often an idle stream with allowWatchBookmarks gets a progress bookmark. */
  bookmarkIntervalMs: number;
}

/** An open watch; the server keeps these to end them all on stop(). */
export interface ActiveWatch {
  close(): void;
}

type Out = { type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR'; object: unknown };

/** Translates a store event into what a watcher with this filter sees (selector transitions included). */
function translate(e: StoreEvent, m: (o: KubeObject) => boolean): { type: Out['type']; object: KubeObject } | undefined {
  if (e.type === 'ADDED') return m(e.object) ? { type: 'ADDED', object: e.object } : undefined;
  if (e.type === 'DELETED') return m(e.old ?? e.object) || m(e.object) ? { type: 'DELETED', object: e.object } : undefined;
  const now = m(e.object);
  const before = e.old ? m(e.old) : now;
  if (now && before) return { type: 'MODIFIED', object: e.object };
  if (now) return { type: 'ADDED', object: e.object };
  if (before) return { type: 'DELETED', object: e.object };
  return undefined;
}

/**
 * Validates the request before any bytes are sent (so errors can still be a Status), then
 * writes the 200 header and streams. Returns the handle to end it.
 */
export function startWatch(store: MemoryStore, req: WatchRequest, http: ServerResponse, opts: WatchOptions, onEnd: () => void): ActiveWatch {
  const { res } = req;
  let fromRv: number | undefined;
  const rvText = req.resourceVersion ?? '';
  if (rvText !== '' && rvText !== '0') {
    if (!/^\d+$/.test(rvText)) throw new ApiError('BadRequest', `invalid resource version: ${JSON.stringify(rvText)}`);
    fromRv = Number(rvText);
  }
  if (req.sendInitialEvents && !req.allowWatchBookmarks) {
    throw new ApiError('Invalid', 'sendInitialEvents requires allowWatchBookmarks=true', { causes: [{ field: 'allowWatchBookmarks', message: 'Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true' }] });
  }
  http.writeHead(200, {
    'Content-Type': req.table ? 'application/json;as=Table;v=v1;g=meta.k8s.io' : 'application/json',
    'Cache-Control': 'no-cache, private',
  });
  http.flushHeaders();

  let first = true;
  let closed = false;
  const write = (o: Out) => {
    if (closed) return;
    http.write(JSON.stringify(o) + '\n');
  };
  const emitObject = (type: Out['type'], obj: KubeObject) => {
    if (req.table && type !== 'BOOKMARK') {
      write({ type, object: toTable(res.kind, [obj], opts.now(), { resourceVersion: obj.metadata.resourceVersion ?? '' }, first) });
      first = false;
    } else write({ type, object: obj });
  };
  const bookmark = (annotations?: Record<string, string>) => {
    write({
      type: 'BOOKMARK',
      object: { kind: res.kind, apiVersion: apiVersionOf(res), metadata: { resourceVersion: store.resourceVersion(), ...(annotations ? { annotations } : {}) } },
    });
  };

  const timers: { clear(): void }[] = [];
  let unsubscribe = () => {};
  const close = () => {
    if (closed) return;
    closed = true;
    unsubscribe();
    for (const t of timers) t.clear();
    http.end();
    onEnd();
  };
  http.on('close', close);

  // Initial state, synchronously with subscribing so no write can slip between.
  if ((fromRv === undefined && !req.noInitialEvents) || req.sendInitialEvents) {
    const current = store.list(res.kind, req.namespace !== undefined ? { namespace: req.namespace } : {}).filter(req.matches);
    for (const o of current) emitObject('ADDED', o);
    if (req.sendInitialEvents) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const past = fromRv === undefined ? [] : store.eventsSince(res.kind, fromRv);
    if (past === 'gone') {
      write({
        type: 'ERROR',
        object: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: `too old resource version: ${fromRv} (${store.resourceVersion()})`, reason: 'Expired', code: 410 },
      });
      close();
      return { close };
    }
    for (const e of past) {
      const t = translate(e, req.matches);
      if (t) emitObject(t.type, t.object);
    }
  }
  unsubscribe = store.on((e) => {
    if (e.kind !== res.kind) return;
    const t = translate(e, req.matches);
    if (t) emitObject(t.type, t.object);
  });
  if (req.timeoutSeconds !== undefined && req.timeoutSeconds > 0) {
    const t = setTimeout(close, req.timeoutSeconds * 1000);
    timers.push({ clear: () => clearTimeout(t) });
  }
  if (req.allowWatchBookmarks && opts.bookmarkIntervalMs > 0) {
    const t = setInterval(() => bookmark(), opts.bookmarkIntervalMs);
    timers.push({ clear: () => clearInterval(t) });
  }
  return { close };
}
