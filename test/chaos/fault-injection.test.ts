/**
 * The simulator's fault injection, one fault at a time, seen through real HTTP requests (sent
 * once, without sdrain's retries) and client-node's Watch: error codes and Retry-After, 409
 * only on writes, same seed → same faults, outages, 410 Gone and broken watches, and the
 * scenario actors (node NotReady, someone else scaling, an eviction stuck on a PDB). Also the
 * `sdrain sim --faults` flag and the config's error messages.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { KubeConfig, Watch } from '@kubernetes/client-node';
import { afterEach, describe, expect, it } from 'vitest';
import { untilStore } from '../helpers/sim.js';
import { buildProgram } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { formatError } from '../../src/render/format-error.js';
import { kubeRequest } from '../../src/cluster/kube-request.js';
import { InputError } from '../../src/errors.js';
import type { Deployment, Node, Pod } from '../../src/model/k8s.js';
import { parseFaultConfig, type FaultConfig } from '../../src/sim/faults/fault-config.js';
import { startSimulator, type Simulator } from '../../src/sim/simulator.js';
import { SEED } from '../apply/apply-harness.js';
import { readFileSync } from 'node:fs';

const SEED_TEXT = readFileSync(SEED, 'utf8');
const sims: Simulator[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function sim(faults: FaultConfig, controllers = false): Promise<{ s: Simulator; kc: KubeConfig }> {
  const s = await startSimulator({ text: SEED_TEXT, file: 'seed.yaml', controllers, faults, podStartupMs: 200, maxTerminationMs: 1000 });
  sims.push(s);
  const kc = new KubeConfig();
  kc.loadFromString(s.kubeconfig);
  return { s, kc };
}

const once = (kc: KubeConfig, method: 'GET' | 'PATCH' | 'POST', path: string, body?: unknown, contentType?: string) =>
  kubeRequest(kc, { method, path, body, contentType, retry: false });


describe('fault injection', () => {
  it('answers the configured codes with Retry-After, and 409 only to writes', async () => {
    const { kc } = await sim({ errors: [{ verbs: ['get'], rate: 1, codes: [503] }, { rate: 1, verbs: ['list', 'patch'], codes: [409] }] });
    const got = await once(kc, 'GET', '/api/v1/nodes/worker-1');
    expect(got.status).toBe(503);
    expect(got.retryAfter).toBe('1');
    expect((got.body as { reason?: string }).reason).toBe('ServiceUnavailable');
    // 409 is not a list's answer: the list is served.
    expect((await once(kc, 'GET', '/api/v1/nodes')).status).toBe(200);
    const patched = await once(kc, 'PATCH', '/api/v1/nodes/worker-1', { metadata: { labels: { x: 'y' } } }, 'application/strategic-merge-patch+json');
    expect(patched.status).toBe(409);
  });

  it('injects the same faults for the same seed and request order, and others for another seed', async () => {
    const statuses = async (seed: number) => {
      const { kc } = await sim({ seed, errors: [{ rate: 0.5, codes: [500] }] });
      const out: number[] = [];
      for (let i = 0; i < 24; i++) out.push((await once(kc, 'GET', '/api/v1/nodes/worker-1')).status);
      return out.join(',');
    };
    const a = await statuses(5);
    expect(a).toMatch(/500/);
    expect(a).toMatch(/200/);
    expect(await statuses(5)).toBe(a);
    expect(await statuses(6)).not.toBe(a);
  });

  it('can lose the response to a write that was made', async () => {
    const { s, kc } = await sim({ lostResponses: [{ verbs: ['patch'], rate: 1 }] });
    await expect(once(kc, 'PATCH', '/api/v1/nodes/worker-1', { metadata: { labels: { lost: 'yes' } } }, 'application/strategic-merge-patch+json')).rejects.toThrow();
    expect(s.store.get<Node>('Node', undefined, 'worker-1')?.metadata.labels?.lost).toBe('yes');
    expect((await once(kc, 'GET', '/api/v1/nodes/worker-1')).status).toBe(200);
    expect(s.faultCounts()['response-lost']).toBe(1);
  });

  it('resets connections during an unreachable window, then serves again', async () => {
    const { s, kc } = await sim({ unreachable: [{ fromMs: 0, forMs: 600 }] });
    await expect(once(kc, 'GET', '/api/v1/nodes')).rejects.toThrow();
    // With the default retries the same request rides the outage out.
    const res = await kubeRequest(kc, { method: 'GET', path: '/api/v1/nodes' });
    expect(res.status).toBe(200);
    expect(s.faultCounts()['connection-reset'] ?? 0).toBeGreaterThan(0);
  });

  it('answers a resumed watch with 410 Gone, and breaks streams', async () => {
    const { s, kc } = await sim({ watch: { goneRate: 1, breakRate: 1, minMs: 50, maxMs: 100 } });
    const gone = await once(kc, 'GET', `/api/v1/nodes?watch=true&resourceVersion=${s.store.resourceVersion()}`);
    expect(gone.body).toMatchObject({ type: 'ERROR', object: { code: 410, reason: 'Expired' } });
    // A fresh watch (no resourceVersion) is served, then cut.
    const ended = await new Promise<unknown>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('the watch was not broken')), 10_000);
      void new Watch(kc).watch('/api/v1/nodes', {}, () => undefined, (err) => {
        clearTimeout(t);
        resolve(err ?? 'closed');
      });
    });
    expect(ended).toBeDefined();
    expect(s.faultCounts()).toMatchObject({ 'watch-gone': 1, 'watch-break': 1 });
  });

  it('runs the scenario actors: node NotReady, someone else scaling, an eviction stuck on a PDB', async () => {
    const { s, kc } = await sim({
      scenarios: {
        nodeNotReady: [{ node: 'worker-2', atMs: 100 }],
        scale: [{ kind: 'Deployment', namespace: 'default', name: 'nginx', atMs: 150, replicas: 5 }],
        stuckEvictions: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0 }],
      },
    });
    await untilStore(s, () => s.store.get<Node>('Node', undefined, 'worker-2')?.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'Unknown', 10_000);
    await untilStore(s, () => s.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas === 5, 10_000);
    const pod = s.store.list('Pod', { namespace: 'default' }).find((p) => p.metadata.labels?.app === 'nginx')!;
    const evict = await once(kc, 'POST', `/api/v1/namespaces/default/pods/${pod.metadata.name}/eviction`, {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: pod.metadata.name, namespace: 'default' },
    });
    expect(evict.status).toBe(429);
    expect(s.store.get('Pod', 'default', pod.metadata.name)).toBeDefined();
    expect(s.faultCounts()).toMatchObject({ 'node-not-ready': 1, scale: 1, 'eviction-stuck': 1 });
  });

  it('never-ready: pods created in the window run but are not Ready until it closes', async () => {
    const t0 = Date.now();
    const { s, kc } = await sim({ scenarios: { neverReady: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 2500 }] } }, true);
    const ready = (name: string) => s.store.get<Pod>('Pod', 'default', name)?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true;
    const before = new Set(s.store.list<Pod>('Pod', { namespace: 'default' }).map((p) => p.metadata.name));
    const scaled = await once(kc, 'PATCH', '/apis/apps/v1/namespaces/default/deployments/nginx', { spec: { replicas: 4 } }, 'application/merge-patch+json');
    expect(scaled.status).toBe(200);
    const added = () => s.store.list<Pod>('Pod', { namespace: 'default' }).find((p) => !before.has(p.metadata.name));
    await untilStore(s, () => added()?.status?.phase === 'Running', 10_000);
    const name = added()!.metadata.name;
    expect(added()!.metadata.annotations?.['sim.sdrain.io/never-ready']).toBe('true');
    // Its start-up is 200 ms, but it becomes Ready only when the 2.5 s window closes.
    await untilStore(s, () => ready(name), 10_000);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(2500);
    expect(s.store.get<Pod>('Pod', 'default', name)?.metadata.annotations?.['sim.sdrain.io/never-ready']).toBeUndefined();
    expect(s.faultCounts()['never-ready']).toBe(1);
  });

  it('lists every problem of a bad config at once', () => {
    const err = (() => {
      try {
        parseFaultConfig('errors:\n  - rate: 2\n    codes: [418]\nwatch: {breakRate: -1}\nunreachable: [{fromMs: 1}]\nbogus: 1\n', 'faults.yaml');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(InputError);
    const text = formatError(err);
    expect(text).toContain('errors[0].rate');
    expect(text).toContain('errors[0].codes');
    expect(text).toContain('watch.breakRate');
    expect(text).toContain('unreachable[0].forMs');
    expect(text).toContain('bogus: unknown field');
    expect(text).not.toMatch(/^\s{4}at /m);
    expect(() => parseFaultConfig('{ not yaml', 'f.yaml')).toThrow(InputError);
  });

  it('sdrain sim --faults FILE injects them and reports the counts when stopped', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-faults-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'cluster.yaml'), SEED_TEXT);
    writeFileSync(join(dir, 'faults.yaml'), 'seed: 3\nerrors:\n  - verbs: [get]\n    rate: 1\n    codes: [500]\n');
    const out: string[] = [];
    const err: string[] = [];
    const controller = new AbortController();
    const io: CliIO = { stdout: (t) => out.push(t), stderr: (t) => err.push(t), isTTY: false, color: false, env: {}, cwd: dir, exitCode: 0, signal: controller.signal };
    const program = buildProgram(io);
    const running = program.parseAsync(['sim', '--from', 'cluster.yaml', '--kubeconfig-out', 'kc.yaml', '--faults', 'faults.yaml'], { from: 'user' });
    const deadline = Date.now() + 30_000;
    while (!out.join('').includes('ready')) {
      if (Date.now() > deadline) throw new Error('no ready line');
      await new Promise((r) => setTimeout(r, 20));
    }
    const kc = new KubeConfig();
    kc.loadFromFile(join(dir, 'kc.yaml'));
    expect((await once(kc, 'GET', '/api/v1/nodes/worker-1')).status).toBe(500);
    controller.abort(new Error('SIGTERM'));
    await running;
    expect(err.join('')).toContain('faults injected: {"error-500":1}');

    writeFileSync(join(dir, 'bad.yaml'), 'errors: 3\n');
    const program2 = buildProgram({ ...io, signal: new AbortController().signal });
    await expect(program2.parseAsync(['sim', '--from', 'cluster.yaml', '--kubeconfig-out', 'kc2.yaml', '--faults', 'bad.yaml'], { from: 'user' })).rejects.toThrow(/Cannot use fault config bad\.yaml/);
  });
});
