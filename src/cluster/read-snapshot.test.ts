import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { readLiveSnapshot } from './read-snapshot.js';
import { ClusterError } from '../errors.js';
import { startTestSim, type TestSim } from '../../test/helpers/sim.js';

type Handler = (path: string, query: URLSearchParams, req: IncomingMessage) => { status: number; body: unknown };

let server: Server | undefined;
afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

function closeServer(s: Server): Promise<void> {
  return new Promise((r) => {
    s.close(() => r());
    s.closeAllConnections();
  });
}

/** A stub API server answering list calls from a table of objects per path. */
async function stub(handler: Handler): Promise<{ kc: KubeConfig; url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const u = new URL(req.url ?? '/', 'http://x');
    requests.push(`${u.pathname}?${u.searchParams.toString()}`);
    const { status, body } = handler(u.pathname, u.searchParams, req);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'c', server: url, skipTLSVerify: true }],
    users: [{ name: 'u', token: 't' }],
    contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
    currentContext: 'x',
  });
  return { kc, url, requests };
}

const node = (name: string) => ({ metadata: { name, uid: `uid-${name}`, creationTimestamp: '2026-01-02T03:04:05Z', managedFields: [{ manager: 'x' }] }, spec: {}, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } });

describe('readLiveSnapshot', () => {
  it('pages with limit/continue, fills kind/apiVersion, keeps RFC 3339 strings, records server and kube-system uid', async () => {
    const nodes = [node('n3'), node('n1'), node('n2')];
    const { kc, url, requests } = await stub((path, q) => {
      if (path === '/api/v1/nodes') {
        const start = Number(q.get('continue') || '0');
        const limit = Number(q.get('limit'));
        const next = start + limit < nodes.length ? String(start + limit) : undefined;
        return { status: 200, body: { kind: 'NodeList', apiVersion: 'v1', metadata: { continue: next }, items: nodes.slice(start, start + limit) } };
      }
      if (path === '/api/v1/namespaces') return { status: 200, body: { kind: 'NamespaceList', metadata: {}, items: [{ metadata: { name: 'kube-system', uid: 'ks-uid' } }] } };
      if (path.endsWith('/controllerrevisions')) return { status: 404, body: { kind: 'Status', code: 404, reason: 'NotFound', message: 'the server could not find the requested resource' } };
      return { status: 200, body: { kind: 'List', metadata: {}, items: [] } };
    });
    const warnings: string[] = [];
    const snap = await readLiveSnapshot(kc, { limit: 2, onWarning: (w) => warnings.push(w) });
    expect(snap.cluster).toEqual({ server: url, uid: 'ks-uid' });
    expect(snap.nodes.map((n) => n.metadata.name)).toEqual(['n1', 'n2', 'n3']);
    expect(snap.nodes[0]).toMatchObject({ apiVersion: 'v1', kind: 'Node', metadata: { creationTimestamp: '2026-01-02T03:04:05Z' } });
    expect(snap.nodes[0]!.metadata.managedFields).toBeUndefined();
    expect(requests.filter((r) => r.startsWith('/api/v1/nodes'))).toEqual(['/api/v1/nodes?limit=2', '/api/v1/nodes?limit=2&continue=2']);
    expect(warnings).toEqual(['The API server does not serve /apis/apps/v1/controllerrevisions: no ControllerRevision objects read.']);
  });

  it('fails with a ClusterError naming the call when a required list fails', async () => {
    const { kc } = await stub((path) =>
      path === '/api/v1/pods'
        ? { status: 403, body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "bob" cannot list resource "pods"' } }
        : { status: 200, body: { items: [] } },
    );
    const err = await readLiveSnapshot(kc).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).message).toBe('Cannot list Pod objects: pods is forbidden: User "bob" cannot list resource "pods"');
    expect((err as ClusterError).status).toBe(403);
  });

  it('reports an unreachable server as CLUSTER_UNREACHABLE', async () => {
    const { kc } = await stub(() => ({ status: 200, body: { items: [] } }));
    await closeServer(server!);
    server = undefined;
    const err = await readLiveSnapshot(kc).catch((e: unknown) => e);
    expect((err as ClusterError).code).toBe('CLUSTER_UNREACHABLE');
  });
});

describe('readLiveSnapshot against the simulator', () => {
  let sim: TestSim | undefined;
  afterEach(async () => {
    await sim?.stop();
    sim = undefined;
  });

  it('reads every object when pages end inside one namespace and the next namespace shares its prefix', async () => {
    const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    const pod = (namespace: string, name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    // "a-b/..." sorts after every "a/..." by namespace, but before "a/z" as a joined key.
    const objects = [ns('a'), ns('a-b'), ns('kube-system'), pod('a', 'y'), pod('a', 'z'), pod('a-b', 'p'), pod('a-b', 'q'), pod('b', 'r')];
    sim = await startTestSim({ objects: [...objects, ns('b')] as never });
    for (const limit of [1, 2, 3, 500]) {
      const snapshot = await readLiveSnapshot(sim.kc, { limit });
      expect(snapshot.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['a/y', 'a/z', 'a-b/p', 'a-b/q', 'b/r']);
    }
  });
});
