import { describe, it, expect, afterEach } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApiException, KubeConfig } from '@kubernetes/client-node';
import { responseError, toClusterError } from './api-error.js';
import { kubeRequest, type Sleep } from './kube-request.js';
import { createKubeGateway } from './kube-gateway.js';
import { readLiveSnapshot } from './read-snapshot.js';
import { ClusterError, SdrainError } from '../errors.js';
import { redact } from '../redact.js';

const TOKEN = 'super-secret-token-123';
const FORBIDDEN_EVICT = 'pods "a" is forbidden: User "u" cannot create resource "pods/eviction" in API group "" in the namespace "shop"';

describe('toClusterError: the one translator', () => {
  const sock = (code: string) => Object.assign(new Error(`connect ${code} 127.0.0.1:1 Bearer ${TOKEN}`), { code });
  const cases: { name: string; thrown: unknown; code: string; message: string; status?: number; retryable: boolean; permission?: string }[] = [
    {
      name: 'an ApiException keeps the Status message and reason, never its headers',
      thrown: new ApiException(403, 'Forbidden', JSON.stringify({ kind: 'Status', message: FORBIDDEN_EVICT, reason: 'Forbidden', code: 403 }), { authorization: `Bearer ${TOKEN}` }),
      code: 'CLUSTER_ERROR',
      message: `Cannot evict Pod "shop/a": ${FORBIDDEN_EVICT}`,
      status: 403,
      retryable: false,
      permission: 'create pods/eviction (API group "") in namespace "shop"',
    },
    {
      name: 'a raw response without a Status body says the HTTP status',
      thrown: { code: 503, body: undefined },
      code: 'CLUSTER_ERROR',
      message: 'Cannot evict Pod "shop/a": the server answered HTTP 503 Service Unavailable',
      status: 503,
      retryable: true,
    },
    {
      name: 'a socket error (in the cause chain) is CLUSTER_UNREACHABLE and retryable',
      thrown: Object.assign(new Error('request failed'), { cause: sock('ECONNREFUSED') }),
      code: 'CLUSTER_UNREACHABLE',
      message: 'Cannot evict Pod "shop/a": cannot reach the API server (connection refused)',
      retryable: true,
    },
    {
      name: 'a TLS trust failure is not retryable',
      thrown: sock('DEPTH_ZERO_SELF_SIGNED_CERT'),
      code: 'CLUSTER_UNREACHABLE',
      message: 'Cannot evict Pod "shop/a": cannot reach the API server (the server certificate is self-signed and not trusted)',
      retryable: false,
    },
    {
      name: 'an unknown error keeps its message only as the cause',
      thrown: new TypeError(`exec plugin said: Bearer ${TOKEN} at /home/u/.kube/config`),
      code: 'CLUSTER_UNREACHABLE',
      message: 'Cannot evict Pod "shop/a": the request failed before the API server answered (TypeError)',
      retryable: false,
    },
    {
      name: 'an aborted request is INTERRUPTED',
      thrown: Object.assign(new Error('The operation was aborted'), { name: 'AbortError' }),
      code: 'INTERRUPTED',
      message: 'Interrupted while trying to evict Pod "shop/a"',
      retryable: false,
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const err = toClusterError(c.thrown, { action: 'evict', object: 'Pod "shop/a"' });
      expect(err).toBeInstanceOf(SdrainError);
      expect(err.code).toBe(c.code);
      expect(err.message).toBe(c.message);
      if (err instanceof ClusterError) {
        expect(err.status).toBe(c.status);
        expect(err.retryable).toBe(c.retryable);
        expect(err.permission).toBe(c.permission);
        expect(err.object).toBe('Pod "shop/a"');
      }
      expect(`${err.message}\n${err.hint ?? ''}`).not.toContain(TOKEN);
    });
  }

  it('words a thrown failure and the same failure answered as a response alike', () => {
    const body = { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' };
    const thrown = toClusterError({ code: 409, body }, { action: 'patch', object: 'Node "n1"' }) as ClusterError;
    const answered = responseError({ status: 409, body }, { action: 'patch', object: 'Node "n1"' });
    expect({ ...answered, message: answered.message, hint: answered.hint }).toEqual({ ...thrown, message: thrown.message, hint: thrown.hint });
  });

  it('names the role of the command in a 403 hint', () => {
    const st = { kind: 'Status', code: 403, reason: 'Forbidden', message: 'pods is forbidden: User "u" cannot list resource "pods" in API group ""' };
    expect(responseError({ status: 403, body: st }, { action: 'list pods', scope: 'plan' }).hint).toContain('sdrain rbac --for plan');
    expect(responseError({ status: 403, body: st }, { action: 'list pods' }).hint).toContain('sdrain rbac --for apply');
  });

  it('redacts credentials', () => {
    expect(redact(`exec plugin said: Authorization: Bearer ${TOKEN} token=${TOKEN} https://u:${TOKEN}@h`)).not.toContain(TOKEN);
  });
});

describe('request retries: the injected clock and Ctrl-C', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => (server ? server.close(r) : r(undefined)));
    server = undefined;
  });

  /** A server that answers 503 to everything, counting requests. */
  async function failing(): Promise<{ kc: KubeConfig; hits: () => number }> {
    let hits = 0;
    server = createServer((_req, res) => {
      hits++;
      res.writeHead(503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ kind: 'Status', code: 503, reason: 'ServiceUnavailable', message: 'etcd is down' }));
    });
    await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
    const kc = new KubeConfig();
    kc.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: TOKEN }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    });
    return { kc, hits: () => hits };
  }

  it('sleeps every backoff on the injected clock, not on real timers', async () => {
    const { kc, hits } = await failing();
    const slept: number[] = [];
    const sleep: Sleep = async (ms) => void slept.push(ms);
    const started = performance.now();
    const res = await kubeRequest(kc, { method: 'GET', path: '/api/v1/nodes', sleep });
    expect(res.status).toBe(503);
    expect(hits()).toBe(8);
    expect(slept).toEqual([200, 400, 800, 1600, 3200, 5000, 5000]);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('Ctrl-C during a backoff stops the retry loop at once with INTERRUPTED (plan, snapshot)', async () => {
    const { kc, hits } = await failing();
    const ctrlC = new AbortController();
    // The clock's sleep ends only when the signal aborts: without the abort this never returns.
    // Ctrl-C comes while the first backoff sleeps.
    let started = 0;
    const sleep: Sleep = (_ms, signal) => {
      if (!started) {
        started = performance.now();
        setTimeout(() => ctrlC.abort(new Error('received SIGINT')), 20);
      }
      return new Promise<void>((r) => signal?.addEventListener('abort', () => r(), { once: true }));
    };
    const err = (await readLiveSnapshot(kc, { signal: ctrlC.signal, sleep }).catch((e: unknown) => e)) as SdrainError;
    expect(err.code).toBe('INTERRUPTED');
    expect(err.message).toMatch(/^Interrupted while trying to list \w+ objects$/);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(hits()).toBeGreaterThan(0);
  });

  it("apply's gateway stops retrying on Ctrl-C but still sends a request once (to scale a surge back)", async () => {
    const { kc, hits } = await failing();
    const ctrlC = new AbortController();
    ctrlC.abort(new Error('received SIGINT'));
    const gateway = createKubeGateway({ kc, server: 'x', readSnapshot: () => Promise.reject(new Error('unused')), signal: ctrlC.signal, sleep: async () => undefined });
    const err = (await gateway.patchWorkload('Deployment', 'shop', 'api', { replicas: 2 }).catch((e: unknown) => e)) as SdrainError;
    expect(hits()).toBe(1);
    expect(err.code).toBe('INTERRUPTED');
    expect(err.message).toBe('Interrupted while trying to patch Deployment "shop/api"');
  });

  it("apply's gateway words a failure like plan does", async () => {
    const { kc } = await failing();
    const gateway = createKubeGateway({ kc, server: 'x', readSnapshot: () => Promise.reject(new Error('unused')), sleep: async () => undefined });
    const err = (await gateway.getNode('n1').catch((e: unknown) => e)) as ClusterError;
    expect(err).toBeInstanceOf(ClusterError);
    expect(err.message).toBe('Cannot read Node "n1": etcd is down');
    expect(err.status).toBe(503);
    expect(err.retryable).toBe(true);
    expect(err.object).toBe('Node "n1"');
    const plan = (await readLiveSnapshot(kc, { sleep: async () => undefined }).catch((e: unknown) => e)) as ClusterError;
    expect(plan.message).toMatch(/^Cannot list \w+ objects: etcd is down$/);
    expect(plan.retryable).toBe(true);
  });
});
