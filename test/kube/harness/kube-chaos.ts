/**
 * Faults of real components during `sdrain apply`: one run lays out a scenario, plans, starts
 * apply (the CLI binary), and at a seeded point of the apply stops one component of the real
 * control plane through kube-up's control endpoint — kube-apiserver killed (-9) and started
 * again after a few seconds, etcd stopped and started, kube-controller-manager or
 * kube-scheduler stopped for 20 s, the fake kubelet (kwok) stopped for a while. An observer of
 * our own (re-listing through the outage) records the lowest serving count. Apply must end in
 * exit 0 or an accurate exit 1; a re-run must converge; nothing may be left behind (a scaled-up
 * Deployment without its record, a cordoned node without its record, a held Lease).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mulberry32 } from '../../../src/sim/store/seeded-random.js';
import { deployment, statefulSet } from './e2e-cluster.js';
import { watchReady } from './ready-watch.js';
import { Scenario } from './scenario.js';

export type KubeFault = 'apiserver-kill' | 'etcd-restart' | 'controller-manager-stop' | 'scheduler-stop' | 'kubelet-stop';
export const KUBE_FAULTS: readonly KubeFault[] = ['apiserver-kill', 'etcd-restart', 'controller-manager-stop', 'scheduler-stop', 'kubelet-stop'];
export type ChaosLayout = 'seed' | 'mixed';

export interface KubeChaosRun {
  layout: ChaosLayout;
  fault: KubeFault;
  seed: number;
  /** ms after apply started when the fault began, and how long the component was down. */
  faultAtMs: number;
  downMs: number;
  firstExit: number | null;
  /** The first apply's last error line when it exited 1 (what it told the user). */
  firstError?: string;
  reruns: number;
  converged: boolean;
  /** Workloads whose serving count went below the plan floor, with the lowest count seen. */
  violations: string[];
  minReady: Record<string, number>;
  leftovers: string[];
  observerErrors: number;
}

const COMPONENT: Record<KubeFault, string> = {
  'apiserver-kill': 'kube-apiserver',
  'etcd-restart': 'etcd',
  'controller-manager-stop': 'kube-controller-manager',
  'scheduler-stop': 'kube-scheduler',
  'kubelet-stop': 'kwok',
};

async function controlCall(control: string, verb: 'stop' | 'start', component: string, signal?: 'SIGKILL'): Promise<void> {
  const res = await fetch(`${control}/${verb}/${component}${signal ? `?signal=${signal}` : ''}`, { method: 'POST' });
  if (!res.ok) throw new Error(`control ${verb} ${component}: ${res.status} ${await res.text()}`);
}

/** Waits `ms` — the length of a fault, not a wait for a condition. */
const outage = (ms: number) => new Promise((r) => setTimeout(r, ms));

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

/** One seeded run (see the file comment). Cleans up after itself. */
export async function runKubeChaos(opts: { kubeconfig: string; control: string; layout: ChaosLayout; fault: KubeFault; seed: number; id: string; log?: (line: string) => void }): Promise<KubeChaosRun> {
  const rand = mulberry32(opts.seed);
  const log = opts.log ?? (() => {});
  const { s, workloads } = await prepare(opts.layout, opts.id, opts.kubeconfig);
  try {
    s.writeSpec(['worker-1']);
    const planned = await s.plan(['-o', 'json']);
    if (planned.code !== 0) throw new Error(`plan exited ${planned.code}: ${planned.stderr}`);
    const plan = JSON.parse(planned.stdout) as { waves: { actions: { workload: { name: string }; expectedMinReady: number }[] }[] };
    const floors = new Map(plan.waves.flatMap((w) => w.actions).map((a) => [a.workload.name, a.expectedMinReady]));
    const observers = new Map<string, Awaited<ReturnType<typeof watchReady>>>();
    for (const w of workloads) observers.set(w, await watchReady(s.cluster.kc, s.namespace, `app=${w}`));

    const faultAtMs = Math.round(500 + rand() * 5000);
    const downMs = opts.fault === 'apiserver-kill' || opts.fault === 'etcd-restart' ? Math.round(3000 + rand() * 3000) : 20_000;
    const t0 = Date.now();
    // Short lock so a re-run after an apply that died with the apiserver is not held up long.
    const first = s.applyInBackground(['--lock-duration', '5s', '--lock-timeout', '120s', '--events', 'events.ndjson']);
    const exited = first.done.then((d) => d.code);
    await Promise.race([outage(faultAtMs), exited]);
    const component = COMPONENT[opts.fault];
    log(`${opts.id}: ${opts.fault} at ${Date.now() - t0} ms for ${downMs} ms`);
    await controlCall(opts.control, 'stop', component, opts.fault === 'apiserver-kill' ? 'SIGKILL' : undefined);
    await outage(downMs);
    await controlCall(opts.control, 'start', component);
    const firstExit = await exited;
    const firstError = firstExit === 1 ? first.stderr().trim().split('\n').filter((l) => l.startsWith('error:')).at(-1) : undefined;
    let reruns = 0;
    let last = firstExit;
    while (last !== 0 && reruns < 3) {
      reruns++;
      const again = await s.apply(['--lock-timeout', '120s'], 'plan.json', { timeoutMs: 600_000 });
      last = again.code;
      log(`${opts.id}: re-run ${reruns} exited ${last}${last ? `: ${again.stderr.trim().split('\n').at(-1)}` : ''}`);
    }
    for (const w of workloads) await s.cluster.waitReady(s.namespace, `app=${w}`, w === 'web' ? 4 : 3, { timeoutMs: 180_000 });
    const minReady: Record<string, number> = {};
    const violations: string[] = [];
    let observerErrors = 0;
    for (const [w, o] of observers) {
      await o.stop();
      minReady[w] = o.min();
      observerErrors += o.errors();
      if (o.min() < (floors.get(w) ?? 0)) violations.push(`${w}: ${o.min()} < floor ${floors.get(w)}`);
    }
    const leftovers: string[] = [];
    for (const w of workloads.filter((x) => x !== 'db')) {
      const dep = await s.cluster.apps.readNamespacedDeployment({ namespace: s.namespace, name: w });
      if (dep.spec?.replicas !== (w === 'web' ? 4 : 3)) leftovers.push(`Deployment ${w} at ${dep.spec?.replicas} replicas`);
      if (dep.metadata?.annotations?.['sdrain.io/surge']) leftovers.push(`Deployment ${w} keeps its surge record`);
    }
    const node = await s.cluster.core.readNode({ name: s.node('worker-1') });
    if (node.spec?.unschedulable && !node.metadata?.annotations?.['sdrain.io/plan-digest']) leftovers.push('worker-1 cordoned without a record');
    const lease = await s.cluster.coordination.readNamespacedLease({ namespace: 'kube-system', name: 'sdrain-apply' }).catch(() => undefined);
    if (lease?.spec?.holderIdentity) leftovers.push(`Lease held by ${lease.spec.holderIdentity}`);
    const events = readFileSync(join(s.dir, 'events.ndjson'), 'utf8');
    if (!events.includes('"type":"start"')) leftovers.push('the first apply wrote no start event');
    return { layout: opts.layout, fault: opts.fault, seed: opts.seed, faultAtMs, downMs, firstExit, ...(firstError ? { firstError } : {}), reruns, converged: last === 0, violations, minReady, leftovers, observerErrors };
  } finally {
    await s.cleanup();
  }
}
