/**
 * One fidelity case on one backend (the real control plane or `sdrain sim`, both reached only
 * through their kubeconfig): create the case as an operator would (nodes through the API,
 * StorageClass and local PVs, workloads and PDBs; wait until every pod is Ready), `sdrain plan`
 * live (the CLI binary), replay the planner to learn its predicted nodes, then either
 * `sdrain apply` (when the plan is applicable) or — for a plan blocked or warned on placement —
 * the move without sdrain (cordon, delete the pods) to learn whether the real scheduler would
 * have placed everything. Observes with LIST+WATCH observers of its own; cleans up after itself.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { startSimProcess, type SimProcess } from './sim-process.js';
import { join } from 'node:path';
import { StorageV1Api, type V1Deployment, type V1Pod, type V1StatefulSet } from '@kubernetes/client-node';
import { runCli } from '../../test/helpers/cli.js';
import { E2ECluster, isServing, mergePatch } from '../../test/kube/harness/e2e-cluster.js';
import { watchReady, type ReadyWatch } from '../../test/kube/harness/ready-watch.js';
import { watchLifecycles, type LifecycleWatch } from './fidelity-lifecycle.js';
import { caseLabels, caseSpec, chooseDrain, pdbObject, storageObjects, workloadObject, type FidelityCase } from './fidelity-cases.js';
import { predictedPlacement, readSnapshot, ruledOutPlacements, type Placement } from './fidelity-predict.js';

export type Backend = 'real' | 'sim';

export interface PdbStatus {
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
}

export interface PlanSummary {
  exit: number | null;
  applicable: boolean;
  /** Finding codes with severity, "error UNPLACEABLE web2" (workload name when known). */
  findings: string[];
  /** Workloads named by an UNPLACEABLE, INSUFFICIENT_CAPACITY or AFFINITY_EVICT finding (or "*" when none is named). */
  placementFlagged: string[];
  /** Per workload: the plan's floor (lowest expectedMinReady of its actions) and method. */
  floors: Record<string, number>;
  methods: Record<string, string>;
}

export interface BackendRun {
  backend: Backend;
  id: string;
  /** False when the case's own pods did not all become Ready before planning (the case is left out). */
  setupOk: boolean;
  setupProblem?: string;
  setupMs: number;
  initial: Record<string, Placement>;
  pdbBefore: Record<string, PdbStatus>;
  plan?: PlanSummary;
  predicted?: Record<string, Placement>;
  /** apply: sdrain applied the plan; manual: blocked/warned, moved by cordon + delete; none: nothing to move. */
  mode?: 'apply' | 'manual' | 'none';
  applyExit?: number | null;
  applyError?: string;
  applyMs?: number;
  /** Per workload: ms from apply's start to its workload-done event. */
  doneMs: Record<string, number>;
  /** Evictions answered 429 (apply's evict-retry events), and evictions done. */
  evictRetries: number;
  evictions: number;
  final: Record<string, Placement>;
  /** Per workload: replacement pods (not there before) by node. */
  replacements: Record<string, Placement>;
  /** Per workload: pods left Pending at the end, with the scheduler's message. */
  pending: Record<string, { count: number; message: string }>;
  minReady: Record<string, number>;
  pdbAfter: Record<string, PdbStatus>;
  /** Per workload: `kubectl rollout status`'s verdict as it reads the status ("complete" or what it waits for). */
  rollout: Record<string, string>;
  /** Replacements on a node the planner's filters reject. */
  ruledOut: string[];
  /** The nodes drained. */
  drained: string[];
  /** Median ms, as a watch saw them, from a new pod appearing to serving, and from a pod turning terminating to gone. */
  startupMs?: number;
  terminationMs?: number;
  error?: string;
}

export interface RunOptions {
  kubeconfig: string;
  backend: Backend;
  /** Scales every wait (a loaded machine needs more). */
  slow?: number;
  /**
   * Picks the nodes to drain from the case's pods per node once set up (undefined: setup failed);
   * default: chooseDrain. The bench lets the sim drain what the real run chose.
   */
  drain?: (podsByNode: Record<string, number> | undefined) => Promise<string[]>;
  log?: (line: string) => void;
}

const PLACEMENT_CODES = new Set(['UNPLACEABLE', 'INSUFFICIENT_CAPACITY', 'AFFINITY_EVICT']);

function byApp(pods: V1Pod[], filter: (p: V1Pod) => boolean = isServing): Record<string, Placement> {
  const out: Record<string, Placement> = {};
  for (const p of pods) {
    const app = p.metadata?.labels?.app;
    const node = p.spec?.nodeName;
    if (!app || !node || !filter(p)) continue;
    const m = (out[app] ??= {});
    m[node] = (m[node] ?? 0) + 1;
  }
  return out;
}

async function pdbStatuses(cl: E2ECluster, ns: string): Promise<Record<string, PdbStatus>> {
  const out: Record<string, PdbStatus> = {};
  for (const p of (await cl.policy.listNamespacedPodDisruptionBudget({ namespace: ns })).items) {
    const s = p.status;
    out[p.metadata!.name!] = { disruptionsAllowed: s?.disruptionsAllowed ?? -1, currentHealthy: s?.currentHealthy ?? -1, desiredHealthy: s?.desiredHealthy ?? -1, expectedPods: s?.expectedPods ?? -1 };
  }
  return out;
}

/** `kubectl rollout status`'s reading of a Deployment or StatefulSet status (kubectl/pkg/polymorphichelpers/rollout_status.go). */
export function rolloutVerdict(o: V1Deployment | V1StatefulSet): string {
  const gen = o.metadata?.generation ?? 0;
  const st = o.status;
  if ((st?.observedGeneration ?? 0) < gen) return 'waiting: spec update not observed';
  const want = o.spec?.replicas ?? 1;
  if (o.kind === 'Deployment') {
    const s = (o as V1Deployment).status;
    const updated = s?.updatedReplicas ?? 0;
    if (updated < want) return `waiting: ${updated} of ${want} updated`;
    if ((s?.replicas ?? 0) > updated) return `waiting: ${(s?.replicas ?? 0) - updated} old pending termination`;
    if ((s?.availableReplicas ?? 0) < updated) return `waiting: ${s?.availableReplicas ?? 0} of ${updated} available`;
    return 'complete';
  }
  const s = (o as V1StatefulSet).status;
  if ((s?.readyReplicas ?? 0) < want) return `waiting: ${s?.readyReplicas ?? 0} of ${want} ready`;
  if ((s?.updatedReplicas ?? 0) < want) return `waiting: ${s?.updatedReplicas ?? 0} of ${want} updated`;
  if (s?.updateRevision !== s?.currentRevision) return 'waiting: revision not current';
  return 'complete';
}

async function rollouts(cl: E2ECluster, ns: string, c: FidelityCase): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const w of c.workloads) {
    const o = w.kind === 'Deployment' ? await cl.apps.readNamespacedDeployment({ namespace: ns, name: w.name }) : await cl.apps.readNamespacedStatefulSet({ namespace: ns, name: w.name });
    out[w.name] = rolloutVerdict({ ...o, kind: w.kind } as V1Deployment | V1StatefulSet);
  }
  return out;
}

/** True when every workload has exactly its replicas, all serving. */
async function allServing(cl: E2ECluster, ns: string, c: FidelityCase): Promise<boolean> {
  const pods = await cl.pods(ns);
  return c.workloads.every((w) => {
    const mine = pods.filter((p) => p.metadata?.labels?.app === w.name);
    return mine.length === w.replicas && mine.every(isServing);
  });
}

function pendingOf(pods: V1Pod[]): Record<string, { count: number; message: string }> {
  const out: Record<string, { count: number; message: string }> = {};
  for (const p of pods) {
    if (p.spec?.nodeName || p.metadata?.deletionTimestamp) continue;
    const app = p.metadata?.labels?.app ?? '?';
    const msg = p.status?.conditions?.find((x) => x.type === 'PodScheduled')?.message ?? '';
    const e = (out[app] ??= { count: 0, message: msg });
    e.count++;
    if (!e.message) e.message = msg;
  }
  return out;
}

/** Pending because the scheduler found no node (not for a claim still to be bound). */
function unschedulable(p: V1Pod): boolean {
  const c = p.status?.conditions?.find((x) => x.type === 'PodScheduled');
  return !p.spec?.nodeName && c?.status === 'False' && c.reason === 'Unschedulable' && !/unbound immediate PersistentVolumeClaims/.test(c.message ?? '');
}

async function createCase(cl: E2ECluster, c: FidelityCase): Promise<void> {
  const labels = caseLabels(c);
  const ns = c.id;
  for (const n of c.nodes) {
    const resources = { cpu: `${n.cpuMilli}m`, memory: `${n.memoryMi}Mi`, pods: String(n.pods) };
    await cl.core.createNode({
      body: {
        metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...n.labels, ...labels } },
        spec: n.taints.length ? { taints: n.taints } : {},
        status: { allocatable: resources, capacity: resources },
      },
    });
  }
  await cl.createNamespace(c.id, ns);
  await cl.waitNodesReady(c.nodes.map((n) => n.name), 90_000);
  const { sc, pvs } = storageObjects(c);
  if (sc) await cl.kc.makeApiClient(StorageV1Api).createStorageClass({ body: sc });
  for (const pv of pvs) await cl.core.createPersistentVolume({ body: pv });
  for (const [i, w] of c.workloads.entries()) {
    const body = workloadObject(c, w, i === 0);
    if (w.kind === 'Deployment') await cl.apps.createNamespacedDeployment({ namespace: ns, body: body as V1Deployment });
    else await cl.apps.createNamespacedStatefulSet({ namespace: ns, body: body as V1StatefulSet });
    const pdb = pdbObject(w);
    if (pdb) await cl.policy.createNamespacedPodDisruptionBudget({ namespace: ns, body: pdb });
    // One workload at a time: its pods bound (or found no node) before the next is created, so
    // both backends' schedulers see the pods in the same order.
    await cl
      .waitFor(`${ns}: ${w.name} scheduled`, 20_000, async () => {
        const mine = (await cl.pods(ns, `app=${w.name}`)).filter((p) => !p.metadata?.deletionTimestamp);
        return mine.length === w.replicas && mine.every((p) => p.spec?.nodeName || unschedulable(p));
      }, 100)
      .catch(() => undefined);
  }
}

/** True when every workload has as many pods as its spec.replicas now says, all serving. */
async function settledAtSpec(cl: E2ECluster, ns: string, c: FidelityCase): Promise<boolean> {
  const pods = await cl.pods(ns);
  for (const w of c.workloads) {
    const o = w.kind === 'Deployment' ? await cl.apps.readNamespacedDeployment({ namespace: ns, name: w.name }) : await cl.apps.readNamespacedStatefulSet({ namespace: ns, name: w.name });
    const mine = pods.filter((p) => p.metadata?.labels?.app === w.name);
    if (mine.length !== (o.spec?.replicas ?? 1) || !mine.every(isServing)) return false;
    if (rolloutVerdict({ ...o, kind: w.kind } as V1Deployment | V1StatefulSet) !== 'complete') return false;
  }
  return true;
}

/**
 * Waits until every workload is at its spec (settledAtSpec), or until nothing can change any
 * more — every pod serving or found no node, for `stuckMs` — or `timeoutMs`. What is left
 * Pending is read afterwards.
 */
async function settle(cl: E2ECluster, ns: string, c: FidelityCase, timeoutMs: number, stuckMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  let stuckSince = Infinity;
  while (performance.now() < deadline) {
    try {
      if (await settledAtSpec(cl, ns, c)) return;
      const pods = await cl.pods(ns);
      const stuck = pods.some(unschedulable) && pods.every((p) => isServing(p) || unschedulable(p));
      if (!stuck) stuckSince = Infinity;
      else if (stuckSince === Infinity) stuckSince = performance.now();
      if (performance.now() - stuckSince > stuckMs) return;
    } catch {
      /* a failed read: try again until the deadline */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * The plan's moves done without sdrain, to see whether the real scheduler places what the plan
 * flagged: cordon the drained nodes; then per workload with pods there, its planned method —
 * surge: scale up by the pods on the drained nodes (the old ones stay: it is where the new ones
 * land that counts); roll: a rolling restart (`kubectl rollout restart`'s annotation); evict or
 * delete: delete those pods (no PDB check).
 */
async function moveWithoutSdrain(cl: E2ECluster, ns: string, c: FidelityCase, drained: string[], before: V1Pod[], methods: Record<string, string>): Promise<void> {
  for (const n of drained) await cl.cordon(n);
  for (const w of c.workloads) {
    const onDrained = before.filter((p) => p.metadata?.labels?.app === w.name && drained.includes(p.spec?.nodeName ?? ''));
    if (onDrained.length === 0) continue;
    const method = methods[w.name] ?? 'evict';
    if (method === 'surge' && w.kind === 'Deployment') await cl.scaleDeployment(ns, w.name, w.replicas + onDrained.length);
    else if (method === 'roll') {
      const body = { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': new Date().toISOString() } } } } };
      if (w.kind === 'Deployment') await cl.apps.patchNamespacedDeployment({ namespace: ns, name: w.name, body }, mergePatch());
      else await cl.apps.patchNamespacedStatefulSet({ namespace: ns, name: w.name, body }, mergePatch());
    } else for (const p of onDrained) await cl.core.deleteNamespacedPod({ namespace: ns, name: p.metadata!.name! }).catch(() => undefined);
  }
}

/** Removes a case's namespace, nodes, PVs and StorageClass (all carry its labels). */
export async function cleanupCase(kubeconfig: string, c: FidelityCase): Promise<void> {
  const cl = new E2ECluster(kubeconfig);
  await cl.cleanup(c.id);
  const selector = Object.entries(caseLabels(c)).map(([k, v]) => `${k}=${v}`).join(',');
  for (const pv of (await cl.core.listPersistentVolume({ labelSelector: selector })).items) await cl.core.deletePersistentVolume({ name: pv.metadata!.name! }).catch(() => undefined);
  const storage = cl.kc.makeApiClient(StorageV1Api);
  for (const sc of (await storage.listStorageClass({ labelSelector: selector })).items) await storage.deleteStorageClass({ name: sc.metadata!.name! }).catch(() => undefined);
}

interface ApplyEventLine {
  type: string;
  workload?: { name: string };
  ms?: number;
  message?: string;
  step?: string;
}

function readEvents(file: string): ApplyEventLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as ApplyEventLine);
}

function median(xs: number[]): number | undefined {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs case `c` on one backend (see the file comment). Never throws: errors land in `error`. */
export async function runCase(c: FidelityCase, opts: RunOptions): Promise<BackendRun> {
  const slow = opts.slow ?? 1;
  const log = opts.log ?? (() => {});
  const cl = new E2ECluster(opts.kubeconfig);
  const ns = c.id;
  const dir = mkdtempSync(join(tmpdir(), `sdrain-fid-${c.id}-`));
  const run: BackendRun = { backend: opts.backend, id: c.id, setupOk: false, setupMs: 0, initial: {}, pdbBefore: {}, doneMs: {}, evictRetries: 0, evictions: 0, final: {}, replacements: {}, pending: {}, minReady: {}, pdbAfter: {}, rollout: {}, ruledOut: [], drained: [] };
  const watches = new Map<string, ReadyWatch>();
  let lifecycle: LifecycleWatch | undefined;
  try {
    await cleanupCase(opts.kubeconfig, c); // leftovers of an interrupted run
    const t0 = performance.now();
    await createCase(cl, c);
    try {
      // Nothing is removed while a case is set up, so a pod the scheduler found no node for
      // stays Pending: give up once the case has looked like that for a few seconds.
      let stuckSince = Infinity;
      const deadline = performance.now() + 60_000 * slow;
      for (;;) {
        if (await allServing(cl, ns, c)) break;
        const pods = await cl.pods(ns);
        const stuck = pods.some(unschedulable) && pods.every((p) => isServing(p) || unschedulable(p)) && pods.length === c.workloads.reduce((a, w) => a + w.replicas, 0);
        if (!stuck) stuckSince = Infinity;
        else if (stuckSince === Infinity) stuckSince = performance.now();
        if (performance.now() - stuckSince > 6000 * slow || performance.now() > deadline) throw new Error('setup incomplete');
        await new Promise((r) => setTimeout(r, 250));
      }
    } catch {
      run.setupMs = performance.now() - t0;
      run.setupProblem = JSON.stringify(pendingOf(await cl.pods(ns)));
      await opts.drain?.(undefined);
      return run;
    }
    run.setupMs = performance.now() - t0;
    const withPdb = c.workloads.filter((w) => w.pdb);
    try {
      await cl.waitFor(`case ${c.id}: PDB status current`, 30_000 * slow, async () => {
        const st = await pdbStatuses(cl, ns);
        return withPdb.every((w) => st[w.name]?.currentHealthy === w.replicas && st[w.name]!.expectedPods === w.replicas);
      });
    } catch {
      run.setupProblem = 'PDB status did not settle';
      await opts.drain?.(undefined);
      return run;
    }
    run.setupOk = true;
    const before = await cl.pods(ns);
    const beforeUids = new Set(before.map((p) => p.metadata!.uid!));
    run.initial = byApp(before);
    run.pdbBefore = await pdbStatuses(cl, ns);
    const perNode: Record<string, number> = {};
    for (const p of before) if (p.spec?.nodeName) perNode[p.spec.nodeName] = (perNode[p.spec.nodeName] ?? 0) + 1;
    run.drained = opts.drain ? await opts.drain(perNode) : chooseDrain(c, perNode);

    // sdrain plan, live, with the CLI binary.
    const specText = caseSpec(c, run.drained);
    writeFileSync(join(dir, 'maint.yaml'), specText);
    const planned = await runCli(['plan', '-f', 'maint.yaml', '--kubeconfig', opts.kubeconfig, '--out', 'plan.json', '-o', 'json'], { cwd: dir, timeoutMs: 120_000 * slow });
    if (planned.code !== 0 && planned.code !== 2) throw new Error(`plan exited ${planned.code}: ${planned.stderr.slice(-500)}`);
    const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as {
      applicable: boolean;
      findings: { severity: string; code: string; object?: { kind: string; name: string }; message: string }[];
      waves: { actions: { workload: { name: string }; method: string; expectedMinReady: number }[] }[];
    };
    const floors: Record<string, number> = {};
    const methods: Record<string, string> = {};
    for (const a of plan.waves.flatMap((w) => w.actions)) {
      floors[a.workload.name] = Math.min(floors[a.workload.name] ?? Infinity, a.expectedMinReady);
      methods[a.workload.name] = a.method;
    }
    const workloadOfFinding = (f: { object?: { kind: string; name: string }; message: string }): string => {
      if (f.object && f.object.kind !== 'Pod') return f.object.name;
      const m = /(?:Deployment|StatefulSet) "[^/"]+\/([^"]+)"/.exec(f.message);
      if (m) return m[1]!;
      if (f.object?.kind === 'Pod') return f.object.name.replace(/-[a-z0-9]+-[a-z0-9]+$|-\d+$/, '');
      return '*';
    };
    run.plan = {
      exit: planned.code,
      applicable: plan.applicable,
      findings: plan.findings.filter((f) => f.severity !== 'info').map((f) => `${f.severity} ${f.code} ${workloadOfFinding(f)}`),
      placementFlagged: [...new Set(plan.findings.filter((f) => PLACEMENT_CODES.has(f.code) && f.severity !== 'info').map(workloadOfFinding))].sort(),
      floors,
      methods,
    };
    const beforeSnapshot = await readSnapshot(cl.kc);
    run.predicted = predictedPlacement(specText, beforeSnapshot, ns);

    for (const w of c.workloads) watches.set(w.name, await watchReady(cl.kc, ns, `app=${w.name}`));
    lifecycle = await watchLifecycles(cl.kc, ns);
    const moving = plan.waves.some((w) => w.actions.length > 0);
    const flagged = run.plan.placementFlagged.length > 0;
    if (plan.applicable && moving) {
      run.mode = 'apply';
      const a0 = performance.now();
      const applied = await runCli(['apply', 'plan.json', '--kubeconfig', opts.kubeconfig, '--lock-namespace', ns, '--events', 'events.ndjson'], { cwd: dir, timeoutMs: 300_000 * slow });
      run.applyMs = performance.now() - a0;
      run.applyExit = applied.code;
      if (applied.code !== 0) run.applyError = applied.stderr.trim().split('\n').filter((l) => l.startsWith('error')).at(-1) ?? applied.stderr.slice(-300);
      const events = readEvents(join(dir, 'events.ndjson'));
      run.evictRetries = events.filter((e) => e.type === 'evict-retry').length;
      run.evictions = events.filter((e) => e.type === 'workload-step' && e.step === 'evicted').length;
      for (const e of events) if (e.type === 'workload-done' && e.workload && e.ms !== undefined) run.doneMs[e.workload.name] = e.ms;
    } else if (moving || flagged) {
      // Blocked (or nothing applicable moves): the move without sdrain, as kubectl drain would
      // do it minus the PDB — cordon, delete the pods — to see where the real scheduler puts them.
      run.mode = 'manual';
      await moveWithoutSdrain(cl, ns, c, run.drained, before, methods);
    } else run.mode = 'none';

    // Settle: every workload back at full strength, or what stays Pending once nothing moves.
    await settle(cl, ns, c, 30_000 * slow, 5000 * slow);
    for (const [name, w] of watches) {
      run.minReady[name] = w.min();
      await w.stop();
    }
    watches.clear();
    run.startupMs = median(lifecycle.startups());
    run.terminationMs = median(lifecycle.terminations());
    const times = lifecycle.timeline();
    await lifecycle.stop();
    lifecycle = undefined;
    const after = await cl.pods(ns);
    run.final = byApp(after);
    run.replacements = byApp(after, (p) => isServing(p) && !beforeUids.has(p.metadata!.uid!));
    run.pending = pendingOf(after);
    try {
      await cl.waitFor(`case ${c.id}: PDB status after`, 10_000 * slow, async () => {
        const st = await pdbStatuses(cl, ns);
        return c.workloads.filter((w) => w.pdb).every((w) => st[w.name]?.currentHealthy === Object.values(run.final[w.name] ?? {}).reduce((a, b) => a + b, 0));
      });
    } catch {
      /* recorded as read */
    }
    run.pdbAfter = await pdbStatuses(cl, ns);
    run.rollout = await rollouts(cl, ns, c);
    run.ruledOut = ruledOutPlacements(beforeSnapshot, await readSnapshot(cl.kc), ns, times);
  } catch (err) {
    run.error = err instanceof Error ? err.message : String(err);
    log(`${c.id} (${opts.backend}): ${run.error}`);
  } finally {
    for (const w of watches.values()) await w.stop().catch(() => undefined);
    await lifecycle?.stop().catch(() => undefined);
    await cleanupCase(opts.kubeconfig, c).catch((e: unknown) => log(`${c.id} (${opts.backend}) cleanup: ${String(e)}`));
    rmSync(dir, { recursive: true, force: true });
  }
  return run;
}

/** Starts an empty `sdrain sim` (the namespaces a cluster has) with `seed`; its kubeconfig is in `dir`. */
export async function startEmptySim(dir: string, seed: number): Promise<{ proc: SimProcess; kubeconfig: string }> {
  const kubeconfig = join(dir, 'sim.kubeconfig');
  const empty = join(dir, 'empty.json');
  const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  writeFileSync(empty, JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [ns('default'), ns('kube-system'), ns('kube-node-lease')] }));
  const proc = await startSimProcess(['--from', empty, '--kubeconfig-out', kubeconfig, '--seed', String(seed)], { timeoutMs: 60_000 });
  return { proc, kubeconfig };
}


/**
 * Case `c` on the real cluster and, at the same time, on the simulator (when `simKubeconfig` is
 * given). The sim drains the nodes the real run chose (the busiest there), so both move alike.
 */
export async function runCasePair(c: FidelityCase, kubeconfig: string, simKubeconfig: string | undefined, log?: (line: string) => void): Promise<{ real: BackendRun; sim?: BackendRun }> {
  let chosen: (d: string[] | undefined) => void = () => {};
  const realChoice = new Promise<string[] | undefined>((r) => (chosen = r));
  const realDrain = async (perNode: Record<string, number> | undefined) => {
    const d = perNode ? chooseDrain(c, perNode) : undefined;
    chosen(d);
    return d ?? c.drain;
  };
  const simDrain = async (perNode: Record<string, number> | undefined) => (await realChoice) ?? (perNode ? chooseDrain(c, perNode) : c.drain);
  const [real, sim] = await Promise.all([
    runCase(c, { kubeconfig, backend: 'real', log, drain: realDrain }).finally(() => chosen(undefined)),
    simKubeconfig ? runCase(c, { kubeconfig: simKubeconfig, backend: 'sim', log, drain: simDrain }) : Promise.resolve(undefined),
  ]);
  return sim ? { real, sim } : { real };
}
