/**
 * The seeded generator of `npm run bench:fidelity`: small clusters (3–6 nodes in pools with
 * labels, taints and different allocatable, some near full) and a few workloads that between
 * them exercise every scheduler predicate the planner models — nodeSelector, required and
 * preferred node affinity, pod affinity and anti-affinity, topology spread, tolerations, host
 * ports, local PersistentVolumes with node affinity (StorageClass WaitForFirstConsumer or
 * Immediate), the pod count and CPU/memory arithmetic — plus PDBs, and a drain of one or two
 * nodes. Same seed, same cases; names are unique per case (`f<seed>-<index>-…`), so one control
 * plane serves every case.
 */
import type { V1PodTemplateSpec, V1Affinity, V1PersistentVolume, V1PodDisruptionBudget, V1StatefulSet, V1Deployment, V1StorageClass, V1Taint, V1Toleration, V1TopologySpreadConstraint } from '@kubernetes/client-node';
import type { Node, Pod } from '../../src/model/k8s.js';
import { buildPlacementState } from '../../src/placement/placement-state.js';
import { Scheduler } from '../../src/placement/scheduler.js';
import { mulberry32 } from '../../src/sim/store/seeded-random.js';

export const STARTUP_MS_ANNOTATION = 'sim.sdrain.io/startup-ms';
export const ZONE = 'topology.kubernetes.io/zone';
export const HOSTNAME = 'kubernetes.io/hostname';
export const POOL = 'fidelity.sdrain.io/pool';

export interface FidelityNode {
  name: string;
  pool: 'general' | 'small' | 'dedicated';
  zone: string;
  cpuMilli: number;
  memoryMi: number;
  pods: number;
  labels: Record<string, string>;
  taints: V1Taint[];
}

export interface FidelityWorkload {
  kind: 'Deployment' | 'StatefulSet';
  name: string;
  replicas: number;
  cpuMilli: number;
  memoryMi: number;
  startupMs: number;
  graceSeconds: number;
  maxSurge: number;
  maxUnavailable: number;
  /** Which predicates its pod template exercises (for the report). */
  features: string[];
  nodeSelector?: Record<string, string>;
  affinity?: V1Affinity;
  tolerations?: V1Toleration[];
  spread?: V1TopologySpreadConstraint[];
  hostPort?: number;
  /** StatefulSets: a volumeClaimTemplate of the case's local StorageClass. */
  volume?: boolean;
  pdb?: { minAvailable?: number; maxUnavailable?: number };
}

export interface FidelityCase {
  index: number;
  seed: number;
  /** DNS label, unique per (seed, index): the namespace and the prefix of every name. */
  id: string;
  nodes: FidelityNode[];
  workloads: FidelityWorkload[];
  /** Local PVs, one per listed node. */
  pvNodes: string[];
  bindingMode?: 'WaitForFirstConsumer' | 'Immediate';
  /**
   * Nodes drained, in order, when the run does not choose them from where the pods landed
   * (the bench drains the busiest nodes of the real cluster: see chooseDrain).
   */
  drain: string[];
  deploymentMethod: 'surge' | 'roll' | 'evict';
  statefulSetMethod: 'evict' | 'roll';
  affinity: 'fail' | 'evict';
  /** Requested CPU ÷ allocatable CPU of the whole cluster, in %. */
  fillPct: number;
  nearFull: boolean;
}

type Rand = () => number;
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const chance = (r: Rand, p: number): boolean => r() < p;

const DEDICATED_TAINT: V1Taint = { key: 'fidelity.sdrain.io/dedicated', value: 'batch', effect: 'NoSchedule' };

function makeNodes(r: Rand, id: string): FidelityNode[] {
  const count = int(r, 3, 6);
  const nodes: FidelityNode[] = [];
  const dedicated = count >= 4 && chance(r, 0.4);
  const small = chance(r, 0.5);
  for (let i = 0; i < count; i++) {
    const pool: FidelityNode['pool'] = dedicated && i === count - 1 ? 'dedicated' : small && i === 0 ? 'small' : 'general';
    const zone = `zone-${'abc'[i % (count >= 5 ? 3 : 2)]}`;
    const cpuMilli = pool === 'small' ? pick(r, [1000, 1500]) : pick(r, [2000, 3000, 4000]);
    const memoryMi = pool === 'small' ? 2048 : pick(r, [4096, 8192]);
    const pods = pool === 'small' ? int(r, 4, 6) : chance(r, 0.2) ? int(r, 6, 9) : 110;
    const name = `${id}-n${i + 1}`;
    nodes.push({
      name,
      pool,
      zone,
      cpuMilli,
      memoryMi,
      pods,
      labels: { [ZONE]: zone, [POOL]: pool, ...(chance(r, 0.5) ? { 'fidelity.sdrain.io/disk': pick(r, ['ssd', 'hdd']) } : {}) },
      taints: pool === 'dedicated' ? [DEDICATED_TAINT] : [],
    });
  }
  return nodes;
}

/** Builds one workload's constraints from a seeded choice of the predicate it exercises. */
function makeWorkload(r: Rand, c: { id: string; n: number; nodes: FidelityNode[]; usedPorts: Set<number>; hasVolumes: boolean }): FidelityWorkload {
  const kind: FidelityWorkload['kind'] = chance(r, 0.3) ? 'StatefulSet' : 'Deployment';
  const name = `${kind === 'StatefulSet' ? 'db' : 'web'}${c.n}`;
  const untainted = c.nodes.filter((n) => n.taints.length === 0);
  const w: FidelityWorkload = {
    kind,
    name,
    replicas: int(r, 1, 4),
    cpuMilli: pick(r, [100, 200, 250, 400, 500, 700]),
    memoryMi: pick(r, [64, 128, 256, 512]),
    startupMs: int(r, 3, 8) * 100,
    graceSeconds: 1,
    maxSurge: pick(r, [0, 1, 1, 2]),
    maxUnavailable: 0,
    features: [],
  };
  if (w.maxSurge === 0) w.maxUnavailable = 1;
  else if (chance(r, 0.3)) w.maxUnavailable = 1;
  const feature = pick(r, ['none', 'nodeSelector', 'requiredAffinity', 'preferredAffinity', 'antiAffinity', 'preferredAntiAffinity', 'podAffinity', 'spread', 'spreadSoft', 'toleration', 'hostPort', 'volume', 'volume']);
  switch (feature) {
    case 'nodeSelector': {
      const zone = pick(r, untainted).zone;
      w.nodeSelector = { [ZONE]: zone };
      w.features.push('nodeSelector');
      break;
    }
    case 'requiredAffinity': {
      w.affinity = { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: POOL, operator: 'In', values: ['general'] }] }] } } };
      w.features.push('required node affinity');
      break;
    }
    case 'preferredAffinity': {
      w.affinity = { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: int(r, 1, 100), preference: { matchExpressions: [{ key: 'fidelity.sdrain.io/disk', operator: 'In', values: ['ssd'] }] } }] } };
      w.features.push('preferred node affinity');
      break;
    }
    case 'antiAffinity': {
      w.replicas = Math.min(w.replicas, Math.max(1, untainted.length - 1));
      w.affinity = { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: name } }, topologyKey: HOSTNAME }] } };
      w.features.push('required pod anti-affinity');
      break;
    }
    case 'preferredAntiAffinity': {
      w.affinity = { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { labelSelector: { matchLabels: { app: name } }, topologyKey: HOSTNAME } }] } };
      w.features.push('preferred pod anti-affinity');
      break;
    }
    case 'podAffinity': {
      // Co-locate in a zone with the first workload (web1/db1 always exists before: n ≥ 2).
      if (c.n > 1) {
        w.affinity = { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchExpressions: [{ key: 'fidelity.sdrain.io/first', operator: 'In', values: ['true'] }] }, topologyKey: ZONE }] } };
        w.features.push('required pod affinity');
      }
      break;
    }
    case 'spread':
    case 'spreadSoft': {
      const key = chance(r, 0.5) ? ZONE : HOSTNAME;
      w.spread = [{ maxSkew: 1, topologyKey: key, whenUnsatisfiable: feature === 'spread' ? 'DoNotSchedule' : 'ScheduleAnyway', labelSelector: { matchLabels: { app: name } } }];
      w.features.push(`topology spread ${feature === 'spread' ? 'DoNotSchedule' : 'ScheduleAnyway'} (${key === ZONE ? 'zone' : 'hostname'})`);
      break;
    }
    case 'toleration': {
      w.tolerations = [{ key: DEDICATED_TAINT.key, operator: 'Equal', value: DEDICATED_TAINT.value, effect: 'NoSchedule' }];
      w.features.push('toleration');
      break;
    }
    case 'hostPort': {
      let port = 8000 + int(r, 0, 99);
      while (c.usedPorts.has(port)) port++;
      c.usedPorts.add(port);
      w.hostPort = port;
      w.replicas = Math.min(w.replicas, Math.max(1, untainted.length - 1));
      w.features.push('host port');
      break;
    }
    case 'volume': {
      if (c.hasVolumes) {
        w.kind = 'StatefulSet';
        w.name = `db${c.n}`;
        w.volume = true;
        w.replicas = Math.min(w.replicas, 2);
        w.features.push('local PV');
      }
      break;
    }
  }
  if (w.features.length === 0) w.features.push('plain');
  if (chance(r, 0.45) && w.replicas > 1) {
    w.pdb = chance(r, 0.5) ? { maxUnavailable: 1 } : { minAvailable: w.replicas - int(r, 0, 1) };
    w.features.push('PDB');
  }
  return w;
}

/** True when the planner's scheduler places every pod of `workloads` on `nodes`, in creation order (volumes left out). */
function placesAll(nodes: FidelityNode[], workloads: FidelityWorkload[], id: string): boolean {
  const state = buildPlacementState({
    nodes: nodes.map(
      (n): Node => ({
        apiVersion: 'v1',
        kind: 'Node',
        metadata: { name: n.name, labels: { [HOSTNAME]: n.name, ...n.labels } },
        spec: n.taints.length ? { taints: n.taints } : {},
        status: { allocatable: { cpu: `${n.cpuMilli}m`, memory: `${n.memoryMi}Mi`, pods: String(n.pods) }, capacity: { cpu: `${n.cpuMilli}m`, memory: `${n.memoryMi}Mi`, pods: String(n.pods) } },
      }),
    ),
    pods: [],
  });
  const scheduler = new Scheduler();
  for (const [i, w] of workloads.entries()) {
    const t = podTemplate(w, i === 0);
    for (let r = 0; r < w.replicas; r++) {
      const pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `${w.name}-${r}`, namespace: id, labels: t.metadata.labels, ownerReferences: [{ apiVersion: 'apps/v1', kind: w.kind === 'Deployment' ? 'ReplicaSet' : 'StatefulSet', name: w.name, uid: w.name, controller: true }] },
        spec: t.spec,
        status: { phase: 'Pending' },
      } as unknown as Pod;
      const res = scheduler.schedule(state, pod);
      if (!res.node) return false;
      state.assign(pod, res.node);
    }
  }
  return true;
}

/** The case with index `index` of seed `seed` (independent of the other cases). */
export function fidelityCase(seed: number, index: number): FidelityCase {
  const r = mulberry32((seed * 1_000_003 + index * 7919) >>> 0);
  const id = `f${seed}-${index}`;
  const nodes = makeNodes(r, id);
  const hasVolumes = chance(r, 0.4);
  const count = int(r, 2, 4);
  const usedPorts = new Set<number>();
  const workloads: FidelityWorkload[] = [];
  for (let n = 1; n <= count; n++) workloads.push(makeWorkload(r, { id, n, nodes, usedPorts, hasVolumes }));
  // Near full: scale CPU requests so the pods ask for 80–95 % of the untainted nodes' CPU.
  const nearFull = chance(r, 0.3);
  const untaintedCpu = nodes.filter((x) => x.taints.length === 0).reduce((a, x) => a + x.cpuMilli, 0);
  const requested = () => workloads.reduce((a, w) => a + w.cpuMilli * w.replicas, 0);
  if (nearFull) {
    const target = untaintedCpu * (0.8 + r() * 0.15);
    const factor = target / requested();
    for (const w of workloads) w.cpuMilli = Math.max(50, Math.floor((w.cpuMilli * factor) / 50) * 50);
  } else {
    // Keep the others comfortably placeable (at most ~60 %).
    while (requested() > untaintedCpu * 0.6) for (const w of workloads) w.cpuMilli = Math.max(50, Math.floor(w.cpuMilli / 2 / 50) * 50);
  }
  // The largest pod must fit a node it may use.
  const maxNode = Math.max(...nodes.filter((x) => x.pool !== 'small').map((x) => x.cpuMilli));
  for (const w of workloads) w.cpuMilli = Math.min(w.cpuMilli, Math.floor((maxNode * 0.9) / 50) * 50);
  // Shrink the requests until the planner's own scheduler places every pod (a case whose set-up
  // already fails measures little; the ones the real scheduler still refuses are counted).
  for (let tries = 0; tries < 6 && !placesAll(nodes, workloads, id); tries++) {
    for (const w of workloads) w.cpuMilli = Math.max(50, Math.floor((w.cpuMilli * 0.85) / 50) * 50);
  }
  const pvNodes = hasVolumes ? nodes.filter((x) => x.taints.length === 0).map((x) => x.name) : [];
  const bindingMode = hasVolumes ? (chance(r, 0.75) ? 'WaitForFirstConsumer' : 'Immediate') : undefined;
  const drainable = nodes.filter((x) => x.pool !== 'dedicated');
  const drain = [pick(r, drainable).name];
  if (drainable.length >= 4 && chance(r, 0.2)) {
    const second = pick(r, drainable.filter((x) => x.name !== drain[0]));
    drain.push(second.name);
  }
  const fillPct = Math.round((requested() / nodes.reduce((a, x) => a + x.cpuMilli, 0)) * 100);
  return {
    index,
    seed,
    id,
    nodes,
    workloads,
    pvNodes,
    ...(bindingMode ? { bindingMode } : {}),
    drain,
    deploymentMethod: pick(r, ['surge', 'surge', 'roll', 'evict'] as const),
    statefulSetMethod: pick(r, ['evict', 'evict', 'roll'] as const),
    affinity: chance(r, 0.15) ? 'evict' : 'fail',
    fillPct,
    nearFull,
  };
}

/** `count` cases of `seed`, indexes 1..count. */
export function fidelityCases(seed: number, count: number, first = 1): FidelityCase[] {
  return Array.from({ length: count }, (_, i) => fidelityCase(seed, first + i));
}

/** Labels every object of a case carries (cleanup removes by them). */
export function caseLabels(c: FidelityCase): Record<string, string> {
  return { 'e2e.sdrain.io/owned': 'true', 'e2e.sdrain.io/scenario': c.id };
}

export function storageClassName(c: FidelityCase): string {
  return `${c.id}-local`;
}

function podTemplate(w: FidelityWorkload, first: boolean) {
  const spec: Record<string, unknown> = {
    terminationGracePeriodSeconds: w.graceSeconds,
    containers: [
      {
        name: 'app',
        image: 'registry.example/app:1',
        resources: { requests: { cpu: `${w.cpuMilli}m`, memory: `${w.memoryMi}Mi` } },
        ...(w.hostPort ? { ports: [{ containerPort: 80, hostPort: w.hostPort, protocol: 'TCP' }] } : {}),
        ...(w.volume ? { volumeMounts: [{ name: 'data', mountPath: '/data' }] } : {}),
      },
    ],
  };
  if (w.nodeSelector) spec.nodeSelector = w.nodeSelector;
  if (w.affinity) spec.affinity = w.affinity;
  if (w.tolerations) spec.tolerations = w.tolerations;
  if (w.spread) spec.topologySpreadConstraints = w.spread;
  return {
    metadata: { labels: { app: w.name, ...(first ? { 'fidelity.sdrain.io/first': 'true' } : {}) }, annotations: { [STARTUP_MS_ANNOTATION]: String(w.startupMs) } },
    spec,
  };
}

/** The workload objects as an operator would create them. */
export function workloadObject(c: FidelityCase, w: FidelityWorkload, first: boolean): V1Deployment | V1StatefulSet {
  const template = podTemplate(w, first) as unknown as V1PodTemplateSpec;
  if (w.kind === 'Deployment') {
    return {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: w.name, labels: { app: w.name } },
      spec: { replicas: w.replicas, selector: { matchLabels: { app: w.name } }, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: w.maxSurge as never, maxUnavailable: w.maxUnavailable as never } }, template },
    };
  }
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: w.name, labels: { app: w.name } },
    spec: {
      replicas: w.replicas,
      serviceName: w.name,
      podManagementPolicy: 'Parallel',
      selector: { matchLabels: { app: w.name } },
      template,
      ...(w.volume ? { volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], storageClassName: storageClassName(c), resources: { requests: { storage: '1Gi' } } } }] } : {}),
    },
  };
}

export function pdbObject(w: FidelityWorkload): V1PodDisruptionBudget | undefined {
  if (!w.pdb) return undefined;
  return { apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: w.name }, spec: { ...w.pdb, selector: { matchLabels: { app: w.name } } } };
}

export function storageObjects(c: FidelityCase): { sc?: V1StorageClass; pvs: V1PersistentVolume[] } {
  if (!c.bindingMode) return { pvs: [] };
  const labels = caseLabels(c);
  const sc: V1StorageClass = { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: storageClassName(c), labels }, provisioner: 'kubernetes.io/no-provisioner', volumeBindingMode: c.bindingMode, reclaimPolicy: 'Delete' };
  const pvs = c.pvNodes.map(
    (node): V1PersistentVolume => ({
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: `${node}-pv`, labels },
      spec: {
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: storageClassName(c),
        local: { path: '/mnt/disks/1' },
        nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: HOSTNAME, operator: 'In', values: [node] }] }] } },
      },
    }),
  );
  return { sc, pvs };
}

/** The Maintenance spec draining the case's nodes. */
export function caseSpec(c: FidelityCase, drain: readonly string[] = c.drain): string {
  return [
    'apiVersion: sdrain.io/v1alpha1',
    'kind: Maintenance',
    'metadata:',
    `  name: ${c.id}`,
    'spec:',
    '  nodes:',
    '    names:',
    ...drain.map((n) => `      - ${n}`),
    `  affinity: ${c.affinity}`,
    '  workloads:',
    `    deployment: ${c.deploymentMethod}`,
    `    statefulSet: ${c.statefulSetMethod}`,
    '  timeouts:',
    '    workload: 30s',
    '    node: 3m',
    '',
  ].join('\n');
}

/**
 * The nodes to drain once the case is set up: as many as `c.drain` names, the drainable nodes
 * (not the dedicated pool) with the most of the case's pods, ties by name — so that each case
 * moves something. `podsByNode` counts the case's pods per node.
 */
export function chooseDrain(c: FidelityCase, podsByNode: Record<string, number>): string[] {
  return c.nodes
    .filter((n) => n.pool !== 'dedicated')
    .map((n) => n.name)
    .sort((a, b) => (podsByNode[b] ?? 0) - (podsByNode[a] ?? 0) || (a < b ? -1 : a > b ? 1 : 0))
    .slice(0, c.drain.length);
}
