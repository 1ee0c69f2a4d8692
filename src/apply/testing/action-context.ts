/**
 * What the method tests (roll, surge, evict) build around the method under test: the action
 * of Deployment shop/api moving pod api-1 off node-a, and the ActionContext apply's
 * execute-wave would hand the method. Overrides replace exactly the fields a test is about.
 */
import type { ClusterGateway, ObjectCache } from '../../cluster/cluster-gateway.js';
import type { Deployment, Pod } from '../../model/k8s.js';
import type { Action, Method } from '../../model/plan.js';
import type { ActionContext } from '../action-context.js';
import type { ApplyEvent } from '../apply-event.js';
import type { ManualClock } from './manual-clock.js';

/** Deployment shop/api (2 replicas, maxSurge 1 / maxUnavailable 0) moving api-1 by `method`. */
export function testAction(method: Method, overrides: Partial<Action> = {}): Action {
  return {
    workload: { kind: 'Deployment', namespace: 'shop', name: 'api' },
    method,
    pods: ['api-1'],
    podUids: ['uid-api-1'],
    replicas: 2,
    strategy: { type: 'RollingUpdate', maxSurge: 1, maxUnavailable: 0 },
    expectedMinReady: 2,
    surgePods: method === 'surge' || method === 'roll' ? 1 : 0,
    why: { code: 'DEFAULT', kind: 'Deployment' },
    reason: 'default for Deployments',
    arrivedPods: 0,
    ...overrides,
  };
}

export interface TestContextOptions {
  action: Action;
  gateway: ClusterGateway;
  clock: ManualClock;
  digest?: string;
  wave?: number;
  signal?: AbortSignal;
  emit?: (event: ApplyEvent) => void;
  timeoutMs?: number;
  /** Default: the gateway's watch of node-a's pods and of the Deployment. */
  nodePods?: ObjectCache<Pod>;
  workload?: ObjectCache<Deployment>;
}

/** The context of `action` on a wave draining node-a. */
export function testActionContext(o: TestContextOptions): ActionContext {
  const ref = o.action.workload;
  return {
    plan: { digest: o.digest ?? `sha256:${'0'.repeat(64)}`, findings: [] } as unknown as ActionContext['plan'],
    wave: { index: o.wave ?? 1, nodes: ['node-a'], actions: [o.action], surge: { cpuMilli: 0, memory: 0, pods: 0 }, free: { cpuMilli: 0, memory: 0, pods: 0 }, untouched: [] },
    action: o.action,
    gateway: o.gateway,
    clock: o.clock,
    signal: o.signal ?? new AbortController().signal,
    emit: o.emit ?? (() => undefined),
    deadlineMs: o.clock.now() + (o.timeoutMs ?? 600_000),
    nodePods: [o.nodePods ?? o.gateway.watch<Pod>({ kind: 'Pod', fieldSelector: 'spec.nodeName=node-a' })],
    workload: o.workload ?? o.gateway.watch<Deployment>({ kind: 'Deployment', namespace: ref.namespace, name: ref.name }),
    minReady: null,
    phase: '',
  };
}
