/**
 * The watch cache against a scripted API server: it resumes the watch from the last
 * resourceVersion (bookmarks included) when the server closes the stream, and re-lists after
 * 410 Gone — so a wait on it never misses a change and never polls.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWatchCache } from '../../src/cluster/watch-cache.js';

interface Step {
  /** What the n-th watch request does. */
  events: object[];
  status?: number;
}

let server: Server;
let kc: KubeConfig;
const requests: string[] = [];
let listItems: object[] = [];
let listRv = '10';
/** Scripted watch responses per namespace (so a late request of one test cannot take another's). */
const watches: Record<string, Step[]> = {};

function pod(name: string, rv: string, phase = 'Running') {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'ns', resourceVersion: rv }, spec: {}, status: { phase } };
}

beforeAll(async () => {
  server = createServer((req, res) => {
    requests.push(req.url ?? '');
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.searchParams.get('watch') !== 'true') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: listRv }, items: listItems }));
      return;
    }
    const ns = /\/namespaces\/([^/]+)\//.exec(url.pathname)?.[1] ?? '';
    const step = watches[ns]?.shift();
    if (!step) {
      // Keep the stream open with nothing to say until the client goes away.
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      return;
    }
    if (step.status) {
      res.writeHead(step.status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: step.status, reason: 'Expired' }));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (const e of step.events) res.write(JSON.stringify(e) + '\n');
    res.end(); // the server closes the stream
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: 'u' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
});

function until(cache: { onChange(l: () => void): () => void }, check: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    if (check()) return resolve();
    const t = setTimeout(() => reject(new Error('timed out')), 10_000);
    const off = cache.onChange(() => {
      if (!check()) return;
      clearTimeout(t);
      off();
      resolve();
    });
  });
}

/** Resolves when the server receives a request whose URL matches (or already did). */
function untilRequest(pattern: RegExp): Promise<void> {
  return new Promise((resolve, reject) => {
    if (requests.some((r) => pattern.test(r))) return resolve();
    const t = setTimeout(() => reject(new Error(`no request matching ${pattern}`)), 10_000);
    const onRequest = (req: { url?: string }) => {
      if (!pattern.test(req.url ?? '')) return;
      clearTimeout(t);
      server.off('request', onRequest);
      resolve();
    };
    server.on('request', onRequest);
  });
}

describe('watch cache', () => {
  it('resumes from the last resourceVersion after a close, and re-lists after 410', async () => {
    requests.length = 0;
    listItems = [pod('a', '10')];
    listRv = '10';
    watches.ns = [
      // First stream: a change, a bookmark, then the server closes.
      { events: [{ type: 'ADDED', object: pod('b', '11') }, { type: 'BOOKMARK', object: { kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: '15' } } }] },
      // The resumed watch is told its resourceVersion is too old.
      { events: [], status: 410 },
    ];
    const cache = startWatchCache(kc, { kind: 'Pod', namespace: 'ns' });
    try {
      await cache.synced;
      // After the 410 the cache re-lists: the list now says b is gone and c exists.
      const relisted = until(cache, () => cache.items().map((p) => p.metadata.name).join() === 'a,c');
      listItems = [pod('a', '20'), pod('c', '21')];
      listRv = '21';
      await relisted;
      const watchUrls = requests.filter((r) => r.includes('watch=true'));
      expect(watchUrls[0]).toMatch(/resourceVersion=10/);
      expect(watchUrls[0]).toMatch(/allowWatchBookmarks=true/);
      expect(watchUrls[1]).toMatch(/resourceVersion=15/);
      expect(requests.filter((r) => !r.includes('watch=true'))).toHaveLength(2);
    } finally {
      cache.stop();
    }
  });

  it('sleeps its re-list backoff on the injected clock; Ctrl-C ends the backoff', async () => {
    requests.length = 0;
    listItems = [pod('a', '10')];
    listRv = '10';
    watches.ns3 = [
      { events: [], status: 410 },
      { events: [], status: 410 },
    ];
    const sleeps: { ms: number; signal?: AbortSignal; wake: () => void }[] = [];
    const sleep = (ms: number, signal?: AbortSignal) => new Promise<void>((wake) => sleeps.push({ ms, signal, wake }));
    const ctrlC = new AbortController();
    const cache = startWatchCache(kc, { kind: 'Pod', namespace: 'ns3' }, { sleep, signal: ctrlC.signal });
    const lists = () => requests.filter((r) => r.includes('/namespaces/ns3/') && !r.includes('watch=true')).length;
    const untilSleeps = async (n: number) => {
      const deadline = Date.now() + 10_000;
      while (sleeps.length < n) {
        if (Date.now() > deadline) throw new Error(`no backoff sleep #${n}`);
        await new Promise((r) => setTimeout(r, 10));
      }
    };
    try {
      await cache.synced;
      // The first 410: the backoff waits on the injected clock, not on a timer of its own.
      await untilSleeps(1);
      expect(sleeps[0]!.ms).toBeGreaterThan(0);
      expect(lists()).toBe(1);
      sleeps[0]!.wake();
      await untilRequest(/\/namespaces\/ns3\/pods\?(?!.*watch=true)/);
      await until(cache, () => lists() === 2);
      // The second 410's backoff is ended by Ctrl-C.
      await untilSleeps(2);
      expect(sleeps[1]!.signal?.aborted).toBe(false);
      ctrlC.abort();
      expect(sleeps[1]!.signal?.aborted).toBe(true);
    } finally {
      cache.stop();
    }
  });

  it('applies MODIFIED and DELETED events in order', async () => {
    listItems = [pod('a', '30', 'Pending')];
    listRv = '30';
    watches.ns2 = [{ events: [{ type: 'MODIFIED', object: pod('a', '31', 'Running') }, { type: 'ADDED', object: pod('d', '32') }, { type: 'DELETED', object: pod('d', '33') }] }];
    const cache = startWatchCache<ReturnType<typeof pod> & { kind: string; metadata: { name: string } }>(kc, { kind: 'Pod', namespace: 'ns2', labelSelector: 'app=x' });
    try {
      const resumed = untilRequest(/watch=true.*resourceVersion=33|resourceVersion=33.*watch=true/);
      await until(cache, () => cache.items().length === 1 && cache.items()[0]?.status?.phase === 'Running');
      await resumed;
      expect(requests.some((r) => r.includes('labelSelector=app%3Dx'))).toBe(true);
    } finally {
      cache.stop();
    }
  });
});
