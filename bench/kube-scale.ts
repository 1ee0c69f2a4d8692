/**
 * Live planning at scale on the real control plane (`npm run bench:kube-scale`, not in CI):
 * loads a real control plane (kube:up --large) with --nodes fake nodes and Deployments,
 * StatefulSets, a DaemonSet and PDBs, waits until every pod is Running and Ready (at most
 * --load-minutes), then measures:
 * - read: side by side, alternating, --runs times each: `sdrain plan --kubeconfig` (the CLI, end
 *   to end), `sdrain snapshot`, and the floor a user already accepts,
 *   `kubectl get nodes,pods,deployments,replicasets,statefulsets,daemonsets,pdb,pvc,pv,hpa -A -o json`;
 *   wall times (median), peak RSS (GNU time), and the API requests in the interval (the
 *   apiserver's own apiserver_request_total, by verb) with any 429s (APF rejections);
 * - apply: one wave of --apply-nodes nodes applied by the CLI, by this build and (with
 *   --before-root, a checkout of c7f9167 built there) by the build before narrow watches, on
 *   different nodes: requests and watch events/bytes counted inside the apply process, and the
 *   apiserver's request and pod watch-event deltas.
 *
 *   node .cache/bench-build/bench/kube-scale.js [--nodes 1000] [--pods-per-node 10] [--runs 3]
 *     [--measure read,apply|none] [--apply-nodes 3] [--before-root DIR] [--after-first] [--settle-seconds 0] [--load-minutes 45]
 *     [--keep KUBECONFIG (hold the loaded cluster until SIGTERM)] [--attach KUBECONFIG (measure a held one)]
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, PolicyV1Api } from '@kubernetes/client-node';
import { deployment, statefulSet } from '../test/kube/harness/e2e-cluster.js';
import { flag, option } from './lib/args.js';
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
  const text = await metricsText(kc);
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

/** The apiserver's /metrics, read as the admin. */
async function metricsText(kc: KubeConfig): Promise<string> {
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
  return text;
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
  const applyNodes = Number(option(argv, '--apply-nodes') ?? 3);
  const attach = option(argv, '--attach');
  const keep = option(argv, '--keep');
  const phases = new Set((option(argv, '--measure') ?? 'read,apply').split(',').filter((p) => p !== 'none'));
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-kube-scale-'));
  const kubeconfig = attach ? resolve(attach) : join(dir, 'kubeconfig');
  const proc = attach ? undefined : await startKubeUpProcess(['--kubeconfig-out', kubeconfig, '--large', '--pod-startup-ms', '1000'], { timeoutMs: 300_000 });
  try {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const core = kc.makeApiClient(CoreV1Api);
    const loaded = attach ? await attached(core) : await load(kc, nodes, perNode, Number(option(argv, '--load-minutes') ?? 45));
    // Each part is printed as soon as it is measured (a long run stopped later keeps what it has).
    process.stdout.write(`${machineMarkdown()}Kubernetes v1.36.3 real control plane (kube:up --large); ${loaded.summary}\n\n`);
    if (keep) {
      writeFileSync(keep, readFileSync(kubeconfig));
      process.stderr.write(`kube-scale: loaded; kubeconfig in ${keep}\n`);
    }
    if (phases.has('read')) process.stdout.write(`${await measureReads(kc, kubeconfig, dir, loaded.names, runs)}\n`);
    if (phases.has('apply')) process.stdout.write(`${await measureApply(kc, kubeconfig, dir, loaded.names, applyNodes, option(argv, '--before-root'), flag(argv, '--after-first'), Number(option(argv, '--settle-seconds') ?? 0))}\n`);
    if (keep && proc) {
      process.stderr.write(`kube-scale: holding the cluster (kubeconfig ${keep}) until SIGINT/SIGTERM\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve());
        process.once('SIGTERM', () => resolve());
      });
    }
  } finally {
    await proc?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Loaded {
  names: string[];
  summary: string;
}

/** An already loaded cluster (--attach KUBECONFIG): its nodes and pods as they are. */
async function attached(core: CoreV1Api): Promise<Loaded> {
  const names = (await core.listNode()).items.map((n) => n.metadata!.name!).sort();
  let pods = 0;
  let cont: string | undefined;
  do {
    const page = await core.listPodForAllNamespaces({ limit: 5000, _continue: cont });
    pods += page.items.length;
    cont = page.metadata?._continue || undefined;
  } while (cont);
  return { names, summary: `attached to a loaded cluster: ${names.length} nodes, ${pods} pods.` };
}

async function load(kc: KubeConfig, nodes: number, perNode: number, loadMinutes: number): Promise<Loaded> {
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
    const deadline = Date.now() + loadMinutes * 60_000;
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
    return {
      names,
      summary: `${nodes} nodes, ${ready} of ${expected} pods Ready (${deployments} Deployments × ${depReplicas}, ${stsCount} StatefulSets × ${stsReplicas}, a DaemonSet on every node, ${Math.ceil(deployments / 2)} PDBs); nodes created in ${fmt(nodesMs / 1000, 0)} s, everything Ready after ${fmt(loadMs / 1000, 0)} s.`,
    };
}

/** plan, snapshot and the kubectl floor, alternating, `runs` times each. */
async function measureReads(kc: KubeConfig, kubeconfig: string, dir: string, names: string[], runs: number): Promise<string> {
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
    return `The kubectl dump is ${fmt(dumpMiB, 0)} MiB.\n\n${table}\n`;
}

/**
 * Counts, inside a CLI process, every HTTP request it sends and what it receives: by verb
 * (WATCH, LIST, GET, POST, PATCH, ...) and resource, with the response bytes and, for watches,
 * the events (one JSON line each). Loaded with `node --require`; wraps http(s).request and
 * reads each response's 'data' as it is emitted, without consuming it. Written on exit to the
 * file SDRAIN_BENCH_HTTP_COUNT names.
 */
const HTTP_COUNTER = String.raw`
const fs = require('node:fs');
const { syncBuiltinESMExports } = require('node:module');
const counts = {};
function classify(path, method) {
  const [p, q = ''] = path.split('?');
  let segs = p.split('/').filter(Boolean);
  segs = segs[0] === 'api' ? segs.slice(2) : segs[0] === 'apis' ? segs.slice(3) : segs;
  if (segs[0] === 'namespaces' && segs.length >= 3) segs = segs.slice(2);
  const resource = segs[0] || 'namespaces';
  const watch = /(^|&)watch=(true|1)/.test(q);
  const verb = watch ? 'WATCH' : method === 'GET' ? (segs.length === 1 ? 'LIST' : 'GET') : method;
  return { key: verb + ' ' + resource + (segs.length > 2 ? '/' + segs[2] : ''), watch };
}
for (const mod of [require('node:https'), require('node:http')]) {
  const original = mod.request;
  mod.request = function (...args) {
    const req = original.apply(this, args);
    try {
      const a0 = args[0];
      const opts = typeof a0 === 'string' || a0 instanceof URL ? (args[1] && typeof args[1] === 'object' ? args[1] : {}) : a0 || {};
      const u = typeof a0 === 'string' ? new URL(a0) : a0 instanceof URL ? a0 : undefined;
      const path = u ? u.pathname + u.search : opts.path || '/';
      const { key, watch } = classify(path, String(opts.method || 'GET').toUpperCase());
      const c = (counts[key] ??= { requests: 0, bytes: 0, events: 0 });
      c.requests++;
      req.on('response', (res) => {
        const emit = res.emit;
        res.emit = function (ev, ...rest) {
          if (ev === 'data') {
            const chunk = rest[0];
            c.bytes += chunk.length;
            if (watch && typeof chunk !== 'string') for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) c.events++;
          }
          return emit.call(this, ev, ...rest);
        };
      });
    } catch {}
    return req;
  };
}
syncBuiltinESMExports();
process.on('exit', () => fs.writeFileSync(process.env.SDRAIN_BENCH_HTTP_COUNT, JSON.stringify(counts)));
`;

type HttpCounts = Record<string, { requests: number; bytes: number; events: number }>;

/** The apiserver's watch events sent (to every watcher) and their bytes, for pods. */
async function podWatchEvents(kc: KubeConfig): Promise<{ events: number; bytes: number }> {
  const text = await metricsText(kc);
  let events = 0;
  let bytes = 0;
  for (const line of text.split('\n')) {
    if (!/resource="pods"|kind="Pod"/.test(line) || !/group=""/.test(line)) continue;
    const n = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (line.startsWith('apiserver_watch_events_total{')) events += n;
    if (line.startsWith('apiserver_watch_events_sizes_sum{')) bytes += n;
  }
  return { events, bytes };
}

/**
 * One wave of `applyNodes` nodes applied by the CLI on the loaded cluster, twice on different
 * nodes: by the build of c7f9167 (--before-root: apply watched Nodes, Pods, Deployments and
 * StatefulSets cluster-wide) and by this build (narrow watches). Per run: pods moved, wall
 * time, what the apply process sent and received (counted inside it), and the apiserver's
 * request and pod-watch-event deltas over the run (every client's, the cluster's own included).
 */
async function measureApply(kc: KubeConfig, kubeconfig: string, dir: string, names: string[], applyNodes: number, beforeRoot: string | undefined, afterFirst: boolean, settleSeconds: number): Promise<string> {
  writeFileSync(join(dir, 'http-counter.cjs'), HTTP_COUNTER);
  // Nodes of one zone (index % 3 === 1), not in the db pool (index % 10 === 0), away from the read phase's 1–5.
  const pickable = names.filter((n) => Number(n.slice(5)) % 3 === 1 && Number(n.slice(5)) % 10 !== 0 && Number(n.slice(5)) > 20);
  const runs: { label: string; bin: string; nodes: string[] }[] = [];
  if (beforeRoot) runs.push({ label: 'before: cluster-wide watches (c7f9167)', bin: join(beforeRoot, 'bin/sdrain.js'), nodes: pickable.slice(0, applyNodes) });
  runs.push({ label: 'after: narrow watches', bin: SDRAIN_BIN, nodes: pickable.slice(applyNodes, 2 * applyNodes) });
  if (afterFirst) runs.reverse();
  if (settleSeconds > 0) {
    process.stderr.write(`kube-scale: letting the cluster settle for ${settleSeconds} s before applying\n`);
    await new Promise((r) => setTimeout(r, settleSeconds * 1000));
  }
  const rows: string[][] = [];
  for (const run of runs) {
    const tag = run.label.startsWith('before') ? 'before' : 'after';
    writeFileSync(
      join(dir, `apply-${tag}.yaml`),
      `apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata:\n  name: wave-${tag}\nspec:\n  nodes:\n    names: [${run.nodes.join(', ')}]\n  concurrency: ${run.nodes.length}\n`,
    );
    const planned = await timed(process.execPath, [run.bin, 'plan', '-f', `apply-${tag}.yaml`, '--kubeconfig', kubeconfig, '--out', `plan-${tag}.json`], dir);
    if (planned.code !== 0 && planned.code !== 2) throw new Error(`plan (${tag}) exited ${planned.code}: ${planned.stderr.slice(-1500)}`);
    const plan = JSON.parse(readFileSync(join(dir, `plan-${tag}.json`), 'utf8')) as { waves: { actions: { podUids: string[] }[] }[] };
    const moved = plan.waves.flatMap((w) => w.actions).reduce((n, a) => n + a.podUids.length, 0);
    const countFile = join(dir, `http-${tag}.json`);
    const reqBefore = await requestCounts(kc);
    const evBefore = await podWatchEvents(kc);
    const r = await runProcess(process.execPath, ['--require', join(dir, 'http-counter.cjs'), run.bin, 'apply', `plan-${tag}.json`, '--kubeconfig', kubeconfig], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1', SDRAIN_BENCH_HTTP_COUNT: countFile },
      timeoutMs: 1_800_000,
      input: '',
      measure: true,
      label: 'kube-scale',
    });
    const evAfter = await podWatchEvents(kc);
    const reqAfter = await requestCounts(kc);
    if (r.code !== 0) throw new Error(`apply (${tag}) exited ${r.code}: ${r.stderr.slice(-1500)}`);
    const http = JSON.parse(readFileSync(countFile, 'utf8')) as HttpCounts;
    const byVerb: Record<string, number> = {};
    let watchEvents = 0;
    let watchBytes = 0;
    let bytes = 0;
    for (const [key, c] of Object.entries(http)) {
      const verb = key.split(' ')[0]!;
      byVerb[verb] = (byVerb[verb] ?? 0) + c.requests;
      bytes += c.bytes;
      if (verb === 'WATCH') {
        watchEvents += c.events;
        watchBytes += c.bytes;
      }
    }
    const sent = Object.values(byVerb).reduce((a, b) => a + b, 0);
    process.stderr.write(`kube-scale: apply ${tag}: ${JSON.stringify(http)}\n`);
    rows.push([
      run.label,
      `${run.nodes.length} (${run.nodes.join(', ')}) in ${plan.waves.length} wave${plan.waves.length === 1 ? '' : 's'}`,
      String(moved),
      fmt(r.wallMs / 1000, 1),
      fmt(r.maxRssMiB ?? 0, 0),
      Object.entries(byVerb)
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
      fmt(sent / Math.max(1, moved), 1),
      `${watchEvents} / ${fmt(watchBytes / 1024 ** 2, 1)} MiB`,
      fmt((bytes - watchBytes) / 1024 ** 2, 1),
      `${evAfter.events - evBefore.events} / ${fmt((evAfter.bytes - evBefore.bytes) / 1024 ** 2, 1)} MiB`,
      Object.entries(diff(reqBefore, reqAfter))
        .map(([k, v]) => `${k} ${v}`)
        .join(', '),
    ]);
  }
  const table = markdownTable(
    ['apply of one wave', 'nodes', 'pods moved', 'wall (s)', 'peak RSS (MiB)', 'requests sent by apply (by verb)', 'requests per moved pod', 'watch events / bytes received by apply', 'other response MiB (lists, gets)', 'pod watch events / bytes the apiserver sent to all watchers', 'apiserver requests in the interval (all clients)'],
    rows,
  );
  return `${table}\n`;
}

main().catch((err: unknown) => {
  process.stderr.write(`kube-scale: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});

