/**
 * Live planning at scale on the real control plane (`npm run bench:kube-scale`, not in CI):
 * loads a real control plane (kube:up --large) with --nodes fake nodes and Deployments,
 * StatefulSets, a DaemonSet and PDBs, waits until every pod is Running and Ready, then times
 * side by side, alternating, --runs times each: `sdrain plan --kubeconfig` (the CLI, end to end),
 * `sdrain snapshot`, and the floor a user already accepts,
 * `kubectl get nodes,pods,deployments,replicasets,statefulsets,daemonsets,pdb,pvc,pv,hpa -A -o json`.
 * Reports load time, wall times (median), peak RSS (GNU time), and the API requests each made
 * (the apiserver's own apiserver_request_total, by verb) with any 429s (APF rejections).
 *
 *   node .cache/bench-build/bench/kube-scale.js [--nodes 1000] [--pods-per-node 10] [--runs 3]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { deployment, statefulSet } from '../test/kube/harness/e2e-cluster.js';
import { option } from './lib/args.js';
import { SDRAIN_BIN } from './lib/bench-paths.js';
import { kubectlBinary } from './lib/kubectl-binary.js';
import { machineMarkdown } from './lib/machine.js';
import { fmt, markdownTable } from './lib/markdown-table.js';
import { runProcess } from './lib/run-process.js';
import { startKubeUpProcess } from './lib/sim-process.js';

const NS = 'scale';

async function pool<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

/** apiserver_request_total summed by verb (and the 429s), read from /metrics as the admin. */
async function requestCounts(kc: KubeConfig): Promise<Record<string, number>> {
  const cluster = kc.getCurrentCluster()!;
  const token = kc.getCurrentUser()!.token!;
  const ca = Buffer.from(cluster.caData!, 'base64');
  const text = await new Promise<string>((resolve, reject) => {
    const req = request(`${cluster.server}/metrics`, { ca, headers: { authorization: `Bearer ${token}` } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d)).on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.end();
  });
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (!line.startsWith('apiserver_request_total{')) continue;
    const verb = /verb="([A-Z]+)"/.exec(line)?.[1] ?? '?';
    const code = /code="(\d+)"/.exec(line)?.[1] ?? '';
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    out[verb] = (out[verb] ?? 0) + n;
    if (code === '429') out['429'] = (out['429'] ?? 0) + n;
  }
  return out;
}

const diff = (a: Record<string, number>, b: Record<string, number>) => Object.fromEntries(Object.keys(b).map((k) => [k, (b[k] ?? 0) - (a[k] ?? 0)]).filter(([, v]) => (v as number) > 0));

async function timed(cmd: string, args: string[], cwd: string): Promise<{ ms: number; rssMiB: number; code: number | null; stderr: string }> {
  const r = await runProcess(cmd, args, { cwd, env: { ...process.env, NO_COLOR: '1' }, timeoutMs: 1_800_000, input: '', measure: true, label: 'kube-scale' });
  return { ms: r.wallMs, rssMiB: r.maxRssMiB ?? 0, code: r.code, stderr: r.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const nodes = Number(option(argv, '--nodes') ?? 1000);
  const perNode = Number(option(argv, '--pods-per-node') ?? 10);
  const runs = Number(option(argv, '--runs') ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-scale-'));
  const kubeconfig = join(dir, 'kubeconfig');
  const proc = await startKubeUpProcess(['--kubeconfig-out', kubeconfig, '--large', '--pod-startup-ms', '1000'], { timeoutMs: 300_000 });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const apps = kc.makeApiClient(AppsV1Api);
    const policy = kc.makeApiClient(PolicyV1Api);
    const t0 = performance.now();
    const names = Array.from({ length: nodes }, (_, i) => `node-${String(i).padStart(5, '0')}`);
    await pool(names, 16, (name) => {
      const zone = `zone-${Number(name.slice(5)) % 3}`;
      const r = { cpu: '32', memory: '128Gi', pods: '110' };
      return core.createNode({ body: { metadata: { name, labels: { 'kubernetes.io/hostname': name, 'topology.kubernetes.io/zone': zone, pool: Number(name.slice(5)) % 10 === 0 ? 'db' : 'general' } }, status: { allocatable: r, capacity: r } } });
    });
    await core.createNamespace({ body: { metadata: { name: NS } } });
    for (;;) {
      const sa = await core.readNamespacedServiceAccount({ namespace: NS, name: 'default' }).catch(() => undefined);
      if (sa) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const nodesMs = performance.now() - t0;
    // Pods as a real cluster has them: a DaemonSet on every node, StatefulSets, Deployments with PDBs.
    const totalWanted = nodes * perNode;
    const dsPods = nodes;
    const stsCount = 10;
    const stsReplicas = 5;
    const depReplicas = 50;
    const deployments = Math.max(1, Math.round((totalWanted - dsPods - stsCount * stsReplicas) / depReplicas));
    await apps.createNamespacedDaemonSet({
      namespace: NS,
      body: { metadata: { name: 'node-agent' }, spec: { selector: { matchLabels: { app: 'node-agent' } }, template: { metadata: { labels: { app: 'node-agent' } }, spec: { containers: [{ name: 'a', image: 'agent', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } } } },
    });
    for (let i = 0; i < stsCount; i++) {
      const s = statefulSet(`db-${i}`, { replicas: stsReplicas, startupMs: 1000, graceSeconds: 2 });
      s.spec!.podManagementPolicy = 'Parallel';
      await apps.createNamespacedStatefulSet({ namespace: NS, body: s });
    }
    await pool(
      Array.from({ length: deployments }, (_, i) => i),
      8,
      async (i) => {
        await apps.createNamespacedDeployment({ namespace: NS, body: deployment(`web-${i}`, { replicas: depReplicas, startupMs: 1000, graceSeconds: 2, cpu: '50m' }) });
        if (i % 2 === 0) await policy.createNamespacedPodDisruptionBudget({ namespace: NS, body: { metadata: { name: `web-${i}` }, spec: { maxUnavailable: '10%', selector: { matchLabels: { app: `web-${i}` } } } } });
      },
    );
    const expected = dsPods + stsCount * stsReplicas + deployments * depReplicas;
    let ready = 0;
    const deadline = Date.now() + 45 * 60_000;
    for (;;) {
      ready = 0;
      let cont: string | undefined;
      do {
        const page = await core.listNamespacedPod({ namespace: NS, limit: 5000, _continue: cont });
        ready += page.items.filter((p) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
        cont = page.metadata?._continue || undefined;
      } while (cont);
      process.stderr.write(`kube-scale: ${ready}/${expected} pods ready after ${((performance.now() - t0) / 1000).toFixed(0)} s\n`);
      if (ready >= expected || Date.now() > deadline) break;
      await new Promise((r) => setTimeout(r, 10_000));
    }
    const loadMs = performance.now() - t0;

    const kubectl = await kubectlBinary();
    writeFileSync(join(dir, 'maint.yaml'), `apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata:\n  name: scale\nspec:\n  nodes:\n    names: [${names.slice(1, 6).join(', ')}]\n  affinity: evict\n`);
    const kubectlArgs = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kcache'), 'get', 'nodes,pods,deployments,replicasets,statefulsets,daemonsets,pdb,pvc,pv,hpa', '-A', '-o', 'json'];
    const rows: Record<string, { ms: number[]; rss: number[]; requests?: Record<string, number> }> = { kubectl: { ms: [], rss: [] }, plan: { ms: [], rss: [] }, snapshot: { ms: [], rss: [] } };
    for (let i = 0; i < runs; i++) {
      for (const tool of ['kubectl', 'plan', 'snapshot'] as const) {
        const before = await requestCounts(kc);
        const r =
          tool === 'kubectl'
            ? await timed('/bin/sh', ['-c', `'${kubectl}' ${kubectlArgs.map((a) => `'${a}'`).join(' ')} > out.json`], dir)
            : tool === 'plan'
              ? await timed(process.execPath, [SDRAIN_BIN, 'plan', '-f', 'maint.yaml', '--kubeconfig', kubeconfig, '--out', 'plan.json'], dir)
              : await timed(process.execPath, [SDRAIN_BIN, 'snapshot', '--kubeconfig', kubeconfig, '--out', 'snap.json'], dir);
        if (r.code !== 0 && !(tool === 'plan' && r.code === 2)) throw new Error(`${tool} exited ${r.code}: ${r.stderr.slice(-1500)}`);
        const after = await requestCounts(kc);
        rows[tool]!.ms.push(r.ms);
        rows[tool]!.rss.push(r.rssMiB);
        rows[tool]!.requests = diff(before, after);
      }
    }
    const dumpMiB = readFileSync(join(dir, 'out.json')).length / 1024 ** 2;
    const floor = median(rows.kubectl!.ms);
    const table = markdownTable(
      ['command', `median of ${runs} (s)`, 'runs (s)', '÷ kubectl get', 'peak RSS (MiB)', 'API requests (by verb, incl. the bench’s own /metrics read)'],
      Object.entries(rows).map(([tool, r]) => [
        tool === 'kubectl' ? '`kubectl get … -A -o json`' : tool === 'plan' ? '`sdrain plan --kubeconfig`' : '`sdrain snapshot --kubeconfig`',
        fmt(median(r.ms) / 1000, 2),
        r.ms.map((m) => fmt(m / 1000, 2)).join(', '),
        `${fmt(median(r.ms) / floor, 2)}×`,
        fmt(Math.max(...r.rss), 0),
        Object.entries(r.requests ?? {}).map(([k, v]) => `${k} ${v}`).join(', '),
      ]),
    );
    process.stdout.write(
      `${machineMarkdown()}Kubernetes v1.36.3 real control plane (kube:up --large); ${nodes} nodes, ${ready} of ${expected} pods Ready (${deployments} Deployments × ${depReplicas}, ${stsCount} StatefulSets × ${stsReplicas}, a DaemonSet on every node, ${Math.ceil(deployments / 2)} PDBs); nodes created in ${fmt(nodesMs / 1000, 0)} s, everything Ready after ${fmt(loadMs / 1000, 0)} s; the kubectl dump is ${fmt(dumpMiB, 0)} MiB.\n\n${table}\n`,
    );
  } finally {
    await proc.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`kube-scale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

