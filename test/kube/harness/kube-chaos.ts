/**
 * Faults of real components during `sdrain apply`: one run lays out a scenario, plans, starts
 * apply (the CLI binary), and at seeded points of the apply stops components of the real
 * control plane through kube-up's control endpoint — kube-apiserver killed (-9) and started
 * again after a few seconds, etcd stopped and started, kube-controller-manager or
 * kube-scheduler stopped for 20 s, the fake kubelet (kwok) stopped for 20 s, or for 70–80 s
 * (`kubelet-outage`: long enough for the node lifecycle controller to mark the nodes Unknown,
 * taint them and mark their pods not Ready). One fault per run, or several one after the other.
 * Observers of our own (re-listing through the outage) record the lowest serving count. Apply
 * must end in exit 0 or an accurate exit 1; a re-run must converge; nothing may be left behind
 * (a scaled-up Deployment without its record, a cordoned node without its record, a held Lease).
 *
 * How serving pods are counted: `minReady` is the API's view (Ready, not terminating). When the
 * kubelet falls silent the node lifecycle controller sets the pods' Ready condition to False and
 * leaves ContainersReady True (no kubelet has said the containers stopped); those pods are
 * `heldByNodeController` — not serving in the API's view (their endpoints go), but no act of
 * apply's. A floor violation is a count below the plan floor of pods serving or held so: pods
 * apply took away (evicted, terminating) count as gone, pods the outage made not Ready do not.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeInformer, type V1Node, type V1Pod } from '@kubernetes/client-node';
import { mulberry32 } from '../../../src/sim/store/seeded-random.js';
import { SCENARIO_LABEL, deployment, isServing, statefulSet } from './e2e-cluster.js';
import { watchReady } from './ready-watch.js';
import { Scenario } from './scenario.js';

export type KubeFault = 'apiserver-kill' | 'etcd-restart' | 'controller-manager-stop' | 'scheduler-stop' | 'kubelet-stop' | 'kubelet-outage';
export const KUBE_FAULTS: readonly KubeFault[] = ['apiserver-kill', 'etcd-restart', 'controller-manager-stop', 'scheduler-stop', 'kubelet-stop', 'kubelet-outage'];
export type ChaosLayout = 'seed' | 'mixed';

export interface InjectedFault {
  fault: KubeFault;
  /** ms after apply started when the component was stopped (null: apply had exited first). */
  atMs: number | null;
  downMs: number;
}

/** What the node lifecycle controller did to the scenario's nodes and pods during the run. */
export interface NodeLifecycle {
  /** ms from the kubelet's stop until the first node was no longer Ready (null: none was). */
  notReadyAfterStopMs: number | null;
  /** ms from the kubelet's start until every node was Ready again. */
  readyAfterStartMs: number | null;
  /** Taints the controller put on the nodes (key:effect; unreachable and not-ready only). */
  taints: string[];
  /** Pods it marked not Ready (Ready False, ContainersReady True). */
  podsMarkedNotReady: number;
}

export interface KubeChaosRun {
  layout: ChaosLayout;
  faults: InjectedFault[];
  seed: number;
  /** The spec's workload timeout, when the run set one (default 10m). */
  workloadTimeout?: string;
  firstExit: number | null;
  /** ms from the first apply's start to its exit. */
  firstMs: number;
  /** The first apply's last error line when it exited 1 (what it told the user). */
  firstError?: string;
  reruns: number;
  /** Each re-run's exit code and, when not 0, its error line (`error: …`). */
  rerunOutcomes: { exit: number | null; error?: string }[];
  converged: boolean;
  /** Workloads whose count of pods serving or held by the node controller went below the plan floor. */
  violations: string[];
  /** Lowest count of pods serving or held by the node controller (what the floor is checked on). */
  minHeld: Record<string, number>;
  /** Lowest serving count in the API's view (Ready, not terminating). */
  minReady: Record<string, number>;
  nodeLifecycle: NodeLifecycle;
  /** Per workload, [ms since the first apply started, count of pods serving or held] at every change. */
  heldTimeline: Record<string, [number, number][]>;
  /** apply's events (first run and re-runs; ms since the first apply started), for runs with a violation. */
  applyEvents?: string[];
  leftovers: string[];
  observerErrors: number;
}

const COMPONENT: Record<KubeFault, string> = {
  'apiserver-kill': 'kube-apiserver',
  'etcd-restart': 'etcd',
  'controller-manager-stop': 'kube-controller-manager',
  'scheduler-stop': 'kube-scheduler',
  'kubelet-stop': 'kwok',
  'kubelet-outage': 'kwok',
};

/** How long a fault keeps its component down (seeded where it varies). */
function downFor(fault: KubeFault, rand: () => number): number {
  if (fault === 'apiserver-kill' || fault === 'etcd-restart') return Math.round(3000 + rand() * 3000);
  if (fault === 'kubelet-outage') return Math.round(70_000 + rand() * 10_000);
  return 20_000;
}

const condition = (p: V1Pod, type: string) => p.status?.conditions?.find((c) => c.type === type)?.status;

/** Marked not Ready by the node lifecycle controller, not by the kubelet (see the file comment). */
export function heldByNodeController(p: V1Pod): boolean {
  return !p.metadata?.deletionTimestamp && condition(p, 'Ready') === 'False' && condition(p, 'ContainersReady') === 'True';
}

async function controlCall(control: string, verb: 'stop' | 'start', component: string, signal?: 'SIGKILL'): Promise<void> {
  const res = await fetch(`${control}/${verb}/${component}${signal ? `?signal=${signal}` : ''}`, { method: 'POST' });
  if (!res.ok) throw new Error(`control ${verb} ${component}: ${res.status} ${await res.text()}`);
}

/** Waits `ms` — the length of a fault, not a wait for a condition. */
const outage = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Watches the scenario's nodes (an informer, re-started after errors like the pod observers):
 * when each stopped being Ready and was Ready again, and the taints they carried.
 */
async function watchNodes(s: Scenario): Promise<{ notReadySince: () => number | null; allReadySince: () => number | null; taints: () => string[]; stop: () => Promise<void> }> {
  const selector = `${SCENARIO_LABEL}=${s.id}`;
  const ready = new Map<string, boolean>();
  const taints = new Set<string>();
  let firstNotReady: number | null = null;
  let lastAllReady: number | null = null;
  let stopped = false;
  const informer = makeInformer<V1Node>(s.cluster.kc, '/api/v1/nodes', () => s.cluster.core.listNode({ labelSelector: selector }), selector);
  const put = (n: V1Node) => {
    const isReady = n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
    // The node lifecycle controller's taints (not the cordon's node.kubernetes.io/unschedulable).
    for (const t of n.spec?.taints ?? []) if (t.key === 'node.kubernetes.io/unreachable' || t.key === 'node.kubernetes.io/not-ready') taints.add(`${t.key}:${t.effect}`);
    const wasAllReady = [...ready.values()].every(Boolean);
    ready.set(n.metadata!.name!, isReady);
    const allReady = [...ready.values()].every(Boolean);
    if (!isReady && firstNotReady === null) firstNotReady = Date.now();
    if (allReady && !wasAllReady) lastAllReady = Date.now();
  };
  informer.on('add', put);
  informer.on('update', put);
  const restart = () =>
    setTimeout(() => {
      if (!stopped) informer.start().catch(restart);
    }, 500);
  informer.on('error', restart);
  await informer.start();
  return {
    notReadySince: () => firstNotReady,
    allReadySince: () => lastAllReady,
    taints: () => [...taints].sort(),
    async stop() {
      stopped = true;
      await informer.stop();
    },
  };
}

async function prepare(layout: ChaosLayout, id: string, kubeconfig: string): Promise<{ s: Scenario; workloads: string[] }> {
  const s = await Scenario.create(id, kubeconfig);
  await s.addNodes({ 'worker-1': {}, 'worker-2': {}, 'worker-3': {} });
  await s.placeSeedNginx({ startupMs: 3000, graceSeconds: 2 });
  const workloads = ['nginx'];
  if (layout === 'mixed') {
    await s.place(deployment('web', { replicas: 4, startupMs: 2000, graceSeconds: 2, maxSurge: 1, maxUnavailable: 1 }), [
      ['worker-1', 2],
      ['worker-3', 2],
    ]);
    await s.place(statefulSet('db', { replicas: 3, startupMs: 2000, graceSeconds: 2 }), [
      ['worker-1', 1],
      ['worker-2', 1],
      ['worker-3', 1],
    ]);
    await s.cluster.policy.createNamespacedPodDisruptionBudget({ namespace: s.namespace, body: { metadata: { name: 'db' }, spec: { maxUnavailable: 1, selector: { matchLabels: { app: 'db' } } } } });
    await s.cluster.waitFor('PDB db allows 1', 60_000, async () => (await s.cluster.policy.readNamespacedPodDisruptionBudget({ namespace: s.namespace, name: 'db' })).status?.disruptionsAllowed === 1);
    workloads.push('web', 'db');
  }
  return { s, workloads };
}

/**
 * One seeded run (see the file comment): `faults` are injected one after the other, each at a
 * seeded point 0.5–5.5 s after apply started or after the previous fault ended (skipped when
 * apply has exited by then). `workloadTimeout` sets the spec's `timeouts.workload` (to see
 * apply give up during an outage). Cleans up after itself.
 */
export async function runKubeChaos(opts: { kubeconfig: string; control: string; layout: ChaosLayout; faults: KubeFault[]; seed: number; id: string; workloadTimeout?: string; log?: (line: string) => void }): Promise<KubeChaosRun> {
  const rand = mulberry32(opts.seed);
  const log = opts.log ?? (() => {});
  const { s, workloads } = await prepare(opts.layout, opts.id, opts.kubeconfig);
  try {
    s.writeSpec(['worker-1'], opts.workloadTimeout ? `  timeouts:\n    workload: ${opts.workloadTimeout}\n` : '');
    const planned = await s.plan(['-o', 'json']);
    if (planned.code !== 0) throw new Error(`plan exited ${planned.code}: ${planned.stderr}`);
    const plan = JSON.parse(planned.stdout) as { waves: { actions: { workload: { name: string }; expectedMinReady: number }[] }[] };
    const floors = new Map(plan.waves.flatMap((w) => w.actions).map((a) => [a.workload.name, a.expectedMinReady]));
    const marked = new Set<string>();
    const servingOrHeld = (p: V1Pod) => {
      if (!heldByNodeController(p)) return isServing(p);
      marked.add(p.metadata!.uid!);
      return true;
    };
    const observers = new Map<string, { api: Awaited<ReturnType<typeof watchReady>>; held: Awaited<ReturnType<typeof watchReady>> }>();
    for (const w of workloads) observers.set(w, { api: await watchReady(s.cluster.kc, s.namespace, `app=${w}`), held: await watchReady(s.cluster.kc, s.namespace, `app=${w}`, servingOrHeld) });
    const nodes = await watchNodes(s);

    const t0 = Date.now();
    // Short lock so a re-run after an apply that died with the apiserver is not held up long.
    const first = s.applyInBackground(['--lock-duration', '5s', '--lock-timeout', '120s', '--events', 'events.ndjson']);
    let firstMs = 0;
    const exited = first.done.then((d) => {
      firstMs = Date.now() - t0;
      return d.code;
    });
    let running = true;
    void exited.then(() => (running = false));
    const injected: InjectedFault[] = [];
    let kubeletStop: number | null = null;
    let kubeletStart: number | null = null;
    for (const fault of opts.faults) {
      const delay = Math.round(500 + rand() * 5000);
      const downMs = downFor(fault, rand);
      await Promise.race([outage(delay), exited]);
      if (!running) {
        injected.push({ fault, atMs: null, downMs: 0 });
        continue;
      }
      const component = COMPONENT[fault];
      const atMs = Date.now() - t0;
      log(`${opts.id}: ${fault} at ${atMs} ms for ${downMs} ms`);
      await controlCall(opts.control, 'stop', component, fault === 'apiserver-kill' ? 'SIGKILL' : undefined);
      if (component === 'kwok') kubeletStop = Date.now();
      await outage(downMs);
      await controlCall(opts.control, 'start', component);
      if (component === 'kwok') kubeletStart = Date.now();
      injected.push({ fault, atMs, downMs });
    }
    const firstExit = await exited;
    const errorLine = (stderr: string) => stderr.trim().split('\n').filter((l) => l.startsWith('error:')).at(-1);
    const firstError = firstExit === 1 ? errorLine(first.stderr()) : undefined;
    if (firstExit !== 0) log(`${opts.id}: first apply exited ${firstExit}:\n${first.stderr().trim().split('\n').slice(-12).join('\n')}`);
    let reruns = 0;
    let last = firstExit;
    const rerunOutcomes: KubeChaosRun['rerunOutcomes'] = [];
    while (last !== 0 && reruns < 3) {
      // The first re-run right away (as an operator might, while the cluster is still
      // recovering); later ones once the scenario's nodes are Ready and untainted again.
      if (reruns > 0) await s.cluster.waitNodesReady(s.nodes, 180_000);
      reruns++;
      const again = await s.apply(['--lock-timeout', '120s', '--events', `events-rerun-${reruns}.ndjson`], 'plan.json', { timeoutMs: 600_000 });
      last = again.code;
      const error = last === 0 ? undefined : errorLine(again.stderr);
      rerunOutcomes.push({ exit: last, ...(error ? { error } : {}) });
      log(`${opts.id}: re-run ${reruns} exited ${last}${last ? `:\n${again.stderr.trim().split('\n').slice(-12).join('\n')}` : ''}`);
    }
    for (const w of workloads) await s.cluster.waitReady(s.namespace, `app=${w}`, w === 'web' ? 4 : 3, { timeoutMs: 180_000 });
    const minReady: Record<string, number> = {};
    const minHeld: Record<string, number> = {};
    const heldTimeline: Record<string, [number, number][]> = {};
    const violations: string[] = [];
    let observerErrors = 0;
    for (const [w, o] of observers) {
      await o.api.stop();
      await o.held.stop();
      minReady[w] = o.api.min();
      minHeld[w] = o.held.min();
      // The observers started before apply: shift their clocks to apply's start.
      const shift = o.held.elapsed() - (Date.now() - t0);
      heldTimeline[w] = o.held.timeline().map(([ms, n]) => [Math.round(ms - shift), n]);
      observerErrors += o.api.errors() + o.held.errors();
      if (o.held.min() < (floors.get(w) ?? 0)) violations.push(`${w}: ${o.held.min()} < floor ${floors.get(w)}`);
    }
    await nodes.stop();
    const notReady = nodes.notReadySince();
    const allReady = nodes.allReadySince();
    const nodeLifecycle: NodeLifecycle = {
      notReadyAfterStopMs: notReady !== null && kubeletStop !== null && notReady >= kubeletStop ? notReady - kubeletStop : null,
      readyAfterStartMs: allReady !== null && kubeletStart !== null && notReady !== null && allReady >= kubeletStart ? allReady - kubeletStart : null,
      taints: nodes.taints(),
      podsMarkedNotReady: marked.size,
    };
    const leftovers: string[] = [];
    for (const w of workloads.filter((x) => x !== 'db')) {
      const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: w });
      if (dep.spec?.replicas !== (w === 'web' ? 4 : 3)) leftovers.push(`Deployment ${w} at ${dep.spec?.replicas} replicas`);
      if (dep.metadata?.annotations?.['sdrain.io/surge']) leftovers.push(`Deployment ${w} keeps its surge record`);
    }
    for (const name of s.nodes) {
      const node = await s.cluster.core.readNode({ name });
      if (node.spec?.unschedulable && !node.metadata?.annotations?.['sdrain.io/plan-digest']) leftovers.push(`${name} cordoned without a record`);
      if (name !== s.node('worker-1') && node.spec?.unschedulable) leftovers.push(`${name} (not in the plan) cordoned`);
    }
    const lease = await s.cluster.coordination.readNamespacedLease({ namespace: 'kube-system', name: 'sdrain-apply' }).catch(() => undefined);
    if (lease?.spec?.holderIdentity) leftovers.push(`Lease held by ${lease.spec.holderIdentity}`);
    const events = readFileSync(join(s.dir, 'events.ndjson'), 'utf8');
    if (!events.includes('"type":"start"')) leftovers.push('the first apply wrote no start event');
    const applyEvents: string[] = [];
    if (violations.length > 0) {
      for (const [i, file] of ['events.ndjson', ...rerunOutcomes.map((_, n) => `events-rerun-${n + 1}.ndjson`)].entries()) {
        const text = (() => {
          try {
            return readFileSync(join(s.dir, file), 'utf8');
          } catch {
            return '';
          }
        })();
        for (const line of text.split('\n').filter(Boolean)) {
          const e = JSON.parse(line) as { type: string; at?: number; workload?: { name: string } } & Record<string, unknown>;
          const { type, at, workload, ...rest } = e;
          applyEvents.push(`${i === 0 ? 'first' : `re-run ${i}`} ${at !== undefined ? at - t0 : '?'} ms ${type}${workload ? ` ${workload.name}` : ''} ${JSON.stringify(rest).slice(0, 300)}`);
        }
      }
    }
    return {
      layout: opts.layout,
      faults: injected,
      seed: opts.seed,
      ...(opts.workloadTimeout ? { workloadTimeout: opts.workloadTimeout } : {}),
      firstExit,
      firstMs,
      ...(firstError ? { firstError } : {}),
      reruns,
      rerunOutcomes,
      converged: last === 0,
      violations,
      minHeld,
      minReady,
      nodeLifecycle,
      heldTimeline,
      ...(applyEvents.length ? { applyEvents } : {}),
      leftovers,
      observerErrors,
    };
  } finally {
    await s.cleanup();
  }
}
