/**
 * A small hand-written plan used by the plan-file and renderer tests: two waves, every method,
 * findings of each severity. Built as data (not by the planner) so these tests stand alone.
 */
import type { Plan, Action, MethodReason } from '../../model/plan.js';
import { methodReasonText } from '../../plan/method-reason.js';

function action(over: Partial<Action> & Pick<Action, 'workload' | 'method' | 'pods'>): Action {
  const why: MethodReason = over.why ?? { code: 'DEFAULT', kind: 'Deployment' };
  return {
    podUids: over.pods.map((p) => `uid-${p}`),
    replicas: 3,
    strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
    expectedMinReady: 3,
    surgePods: 1,
    arrivedPods: 0,
    ...over,
    why,
    reason: methodReasonText(why),
  };
}

/** Fills the duration estimates a current planner writes (hand-written numbers, like the rest). */
function withEstimates(plan: Plan): Plan {
  const seconds = [[34, 26.5], [12.5, 2.5]];
  plan.waves.forEach((w, wi) => {
    w.actions.forEach((a, ai) => {
      const s = seconds[wi]![ai]!;
      a.estimate = { seconds: s, basis: wi === 1 && ai === 0 ? 'default' : 'observed', startupSeconds: 10, observedPods: wi === 1 && ai === 0 ? 0 : 3, minReadySeconds: 0, shutdownSeconds: 2, rounds: 1, formula: `${s} s by hand` };
      // One shutdown basis of each kind: a preStop sleep, a spec statement, the default (twice).
      const stop = [[{ shutdownBasis: 'observed', shutdownModel: 'graceful', preStopSeconds: 1 }, { shutdownBasis: 'spec', shutdownModel: 'whole-grace', shutdownOverride: 1 }], [{ shutdownBasis: 'default', shutdownModel: 'graceful' }, { shutdownBasis: 'default', shutdownModel: 'graceful' }]] as const;
      Object.assign(a.estimate, stop[wi]![ai]!);
    });
    const move = Math.max(...w.actions.map((a) => a.estimate!.seconds));
    w.estimate = { seconds: move + 1, basis: wi === 1 ? 'default' : 'observed', moveSeconds: move, afterEachSeconds: 0 };
  });
  plan.estimate = { seconds: 48.5, basis: 'default', caveats: ['No observed start-up time for 1 workload(s) (Deployment web/front): 10 s assumed per pod'] };
  return plan;
}

/**
 * A plan with `blocked` adding an error finding (and applicable=false), `estimated` the duration
 * estimates (absent by default: a plan written before estimates existed). Digest left ''.
 */
export function samplePlan(opts: { blocked?: boolean; estimated?: boolean } = {}): Plan {
  const plan = samplePlanWithout(opts);
  return opts.estimated ? withEstimates(plan) : plan;
}

function samplePlanWithout(opts: { blocked?: boolean }): Plan {
  const findings: Plan['findings'] = [
    {
      severity: 'warning',
      code: 'PDB_BLOCKS',
      wave: 1,
      object: { kind: 'PodDisruptionBudget', namespace: 'shop', name: 'cache' },
      message: 'PodDisruptionBudget "shop/cache" allows 0 disruptions now',
      hint: 'Scale up the cache StatefulSet or relax the budget before applying.',
    },
    {
      severity: 'info',
      code: 'DAEMONSET_POD',
      wave: 1,
      node: 'node-a',
      object: { kind: 'Pod', namespace: 'kube-system', name: 'kube-proxy-x1' },
      message: 'DaemonSet pod stays on the node',
    },
  ];
  if (opts.blocked) {
    findings.unshift({
      severity: 'error',
      code: 'INSUFFICIENT_CAPACITY',
      wave: 2,
      message: 'Wave 2 needs 1500m CPU of surge but the remaining nodes have 500m free',
      hint: 'Lower concurrency or add a node before draining.',
    });
  }
  return {
    apiVersion: 'sdrain.io/v1alpha1',
    kind: 'Plan',
    formatVersion: 2,
    digest: '',
    toolVersion: '0.1.0',
    spec: {
      apiVersion: 'sdrain.io/v1alpha1',
      kind: 'Maintenance',
      metadata: { name: 'kernel-upgrade' },
      spec: {
        nodes: { names: ['node-a', 'node-b'] },
        order: 'listed',
        concurrency: 1,
        affinity: 'fail',
        workloads: { deployment: 'roll', statefulSet: 'evict', unmanaged: 'fail', localStorage: 'fail', overrides: [] },
        timeouts: { workloadSeconds: 600, nodeSeconds: 1800 },
      },
    },
    cluster: { uid: 'kube-system-uid' },
    waves: [
      {
        index: 1,
        nodes: ['node-a'],
        actions: [
          action({ workload: { kind: 'Deployment', namespace: 'shop', name: 'api', uid: 'd1' }, method: 'roll', pods: ['api-7d9-a', 'api-7d9-b'] }),
          action({
            workload: { kind: 'StatefulSet', namespace: 'shop', name: 'cache', uid: 's1' },
            method: 'evict',
            pods: ['cache-0'],
            strategy: { type: 'RollingUpdate', maxSurge: 0, maxUnavailable: 1 },
            expectedMinReady: 2,
            surgePods: 0,
            why: { code: 'DEFAULT', kind: 'StatefulSet' },
          }),
        ],
        surge: { cpuMilli: 500, memory: 268435456, pods: 1 },
        free: { cpuMilli: 3500, memory: 4294967296, pods: 200 },
        untouched: [{ node: 'node-a', namespace: 'kube-system', pod: 'kube-proxy-x1', reason: 'daemonset' }],
      },
      {
        index: 2,
        nodes: ['node-b'],
        actions: [
          action({
            workload: { kind: 'Deployment', namespace: 'web', name: 'front', uid: 'd2' },
            method: 'surge',
            pods: ['front-5c-a'],
            replicas: 2,
            expectedMinReady: 2,
            why: { code: 'OVERRIDE', override: 1 },
            arrivedPods: 1,
          }),
          action({
            workload: { kind: 'Pod', namespace: 'default', name: 'debug' },
            method: 'delete',
            pods: ['debug'],
            replicas: 1,
            strategy: { type: 'None', maxSurge: 0, maxUnavailable: 1 },
            expectedMinReady: 0,
            surgePods: 0,
            why: { code: 'UNMANAGED', delete: true },
          }),
        ],
        surge: { cpuMilli: 1500, memory: 536870912, pods: 1 },
        free: opts.blocked ? { cpuMilli: 500, memory: 4294967296, pods: 200 } : { cpuMilli: 3500, memory: 4294967296, pods: 200 },
        untouched: [],
      },
    ],
    findings,
    applicable: !opts.blocked,
    fingerprint: {
      nodes: { 'node-a': { unschedulable: false, taints: [], labels: {}, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } },
      targetNodes: {},
      pods: {},
      workloads: {},
      pdbs: {},
      hpas: {},
    },
  };
}
