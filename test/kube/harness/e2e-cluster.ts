/**
 * The real-cluster tier's view of its cluster: the local real control plane (`npm run kube:up`)
 * or any cluster named by SDRAIN_E2E_KUBECONFIG. Everything the suite creates carries
 * OWNED_LABEL (namespaces, nodes, RBAC objects) and is removed by `cleanup()`, so a shared
 * cluster is left as it was found. Waits poll with deadlines; the ready observer is a watch.
 */
import { readFileSync } from 'node:fs';
import type { Pod } from '../../../src/model/k8s.js';
import { isServing as podIsServing } from '../../../src/sim/ready-observer.js';
import {
  AppsV1Api,
  CoordinationV1Api,
  CoreV1Api,
  KubeConfig,
  PatchStrategy,
  PolicyV1Api,
  RbacAuthorizationV1Api,
  setHeaderOptions,
  type V1Deployment,
  type V1Node,
  type V1Pod,
  type V1StatefulSet,
  type V1Taint,
} from '@kubernetes/client-node';

/** Marks every object the suite creates; cleanup removes exactly these. */
export const OWNED_LABEL = 'e2e.sdrain.io/owned';
/** The scenario an object belongs to (namespaces, nodes). */
export const SCENARIO_LABEL = 'e2e.sdrain.io/scenario';
/** The sim's per-pod start-up annotation, which kube/kwok-stages.yaml reads too. */
export const STARTUP_MS = 'sim.sdrain.io/startup-ms';

export interface NodeShape {
  labels?: Record<string, string>;
  taints?: V1Taint[];
  cpu?: string;
  memory?: string;
  pods?: string;
}

export class E2ECluster {
  readonly kc: KubeConfig;
  readonly core: CoreV1Api;
  readonly apps: AppsV1Api;
  readonly policy: PolicyV1Api;
  readonly rbac: RbacAuthorizationV1Api;
  readonly coordination: CoordinationV1Api;

  constructor(readonly kubeconfigPath: string) {
    this.kc = new KubeConfig();
    this.kc.loadFromString(readFileSync(kubeconfigPath, 'utf8'));
    this.core = this.kc.makeApiClient(CoreV1Api);
    this.apps = this.kc.makeApiClient(AppsV1Api);
    this.policy = this.kc.makeApiClient(PolicyV1Api);
    this.rbac = this.kc.makeApiClient(RbacAuthorizationV1Api);
    this.coordination = this.kc.makeApiClient(CoordinationV1Api);
  }

  get server(): string {
    return this.kc.getCurrentCluster()?.server ?? '';
  }

  /** Creates a node as a scenario needs it (labels, taints, allocatable honoured as given). */
  async createNode(scenario: string, name: string, shape: NodeShape = {}): Promise<void> {
    const resources = { cpu: shape.cpu ?? '4', memory: shape.memory ?? '16Gi', pods: shape.pods ?? '110' };
    const node: V1Node = {
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64', ...shape.labels, [OWNED_LABEL]: 'true', [SCENARIO_LABEL]: scenario },
      },
      spec: shape.taints ? { taints: shape.taints } : {},
      status: { allocatable: resources, capacity: resources },
    };
    await this.core.createNode({ body: node });
  }

  /** Waits until every named node is Ready and carries no not-ready taint. */
  async waitNodesReady(names: string[], timeoutMs = 60_000): Promise<void> {
    await this.waitFor(`nodes ${names.join(', ')} Ready`, timeoutMs, async () => {
      const nodes = await Promise.all(names.map((name) => this.core.readNode({ name }).catch(() => undefined)));
      return nodes.every(
        (n) =>
          n?.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') &&
          !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/not-ready') || t.key.startsWith('node.kubernetes.io/unreachable')),
      );
    });
  }

  async cordon(name: string, unschedulable = true): Promise<void> {
    await this.core.patchNode({ name, body: { spec: { unschedulable } } }, mergePatch());
  }

  async createNamespace(scenario: string, name: string): Promise<void> {
    await this.core.createNamespace({ body: { metadata: { name, labels: { [OWNED_LABEL]: 'true', [SCENARIO_LABEL]: scenario } } } });
    // The controller manager creates each namespace's default ServiceAccount; pods need it.
    await this.waitFor(`ServiceAccount ${name}/default`, 60_000, async () => !!(await this.core.readNamespacedServiceAccount({ namespace: name, name: 'default' }).catch(() => undefined)));
  }

  async pods(namespace: string, labelSelector?: string): Promise<V1Pod[]> {
    return (await this.core.listNamespacedPod({ namespace, labelSelector })).items;
  }

  /** Pods that count as serving: Ready and not terminating. */
  async readyPods(namespace: string, labelSelector: string): Promise<V1Pod[]> {
    return (await this.pods(namespace, labelSelector)).filter(isServing);
  }

  async scaleDeployment(namespace: string, name: string, replicas: number): Promise<void> {
    await this.apps.patchNamespacedDeploymentScale({ namespace, name, body: { spec: { replicas } } }, mergePatch());
  }

  async scaleStatefulSet(namespace: string, name: string, replicas: number): Promise<void> {
    await this.apps.patchNamespacedStatefulSetScale({ namespace, name, body: { spec: { replicas } } }, mergePatch());
  }

  /** Waits until `count` pods of the selector are serving, optionally on exactly these nodes. */
  async waitReady(namespace: string, labelSelector: string, count: number, opts: { timeoutMs?: number; onNodes?: Record<string, number> } = {}): Promise<V1Pod[]> {
    let pods: V1Pod[] = [];
    await this.waitFor(`${count} ready pods ${labelSelector} in ${namespace}${opts.onNodes ? ` placed ${JSON.stringify(opts.onNodes)}` : ''}`, opts.timeoutMs ?? 90_000, async () => {
      const all = await this.pods(namespace, labelSelector);
      pods = all.filter(isServing);
      if (pods.length !== count || all.length !== count) return false;
      if (!opts.onNodes) return true;
      return Object.entries(opts.onNodes).every(([node, n]) => pods.filter((p) => p.spec?.nodeName === node).length === n);
    });
    return pods;
  }

  /** Polls `check` until it returns true; throws naming `what` after the deadline. */
  async waitFor(what: string, timeoutMs: number, check: () => Promise<boolean>, intervalMs = 200): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let lastError: unknown;
    for (;;) {
      try {
        if (await check()) return;
      } catch (err) {
        lastError = err;
      }
      if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${lastError ? ` (last error: ${String(lastError)})` : ''}`);
      await new Promise((r) => setTimeout(r, intervalMs));
    }
  }

  /**
   * Removes what one scenario created: its namespaces (pods force-deleted first, so a long
   * grace period does not hold the suite up), then its nodes, waiting until both are gone.
   */
  async cleanup(scenario: string): Promise<void> {
    const selector = `${OWNED_LABEL}=true,${SCENARIO_LABEL}=${scenario}`;
    const namespaces = (await this.core.listNamespace({ labelSelector: selector })).items.map((n) => n.metadata!.name!);
    for (const namespace of namespaces) {
      await this.core.deleteCollectionNamespacedPod({ namespace, gracePeriodSeconds: 0 }).catch(() => undefined);
      await this.core.deleteNamespace({ name: namespace }).catch(() => undefined);
    }
    const nodes = (await this.core.listNode({ labelSelector: selector })).items.map((n) => n.metadata!.name!);
    await this.waitFor(`namespaces ${namespaces.join(', ')} deleted`, 120_000, async () => {
      const left = (await this.core.listNamespace({ labelSelector: selector })).items;
      for (const ns of left) await this.core.deleteCollectionNamespacedPod({ namespace: ns.metadata!.name!, gracePeriodSeconds: 0 }).catch(() => undefined);
      return left.length === 0;
    }, 500);
    for (const name of nodes) await this.core.deleteNode({ name }).catch(() => undefined);
    await this.waitFor(`nodes ${nodes.join(', ')} deleted`, 60_000, async () => (await this.core.listNode({ labelSelector: selector })).items.length === 0);
    const roles = await this.rbac.listClusterRole({ labelSelector: selector });
    for (const r of roles.items) await this.rbac.deleteClusterRole({ name: r.metadata!.name! }).catch(() => undefined);
    const bindings = await this.rbac.listClusterRoleBinding({ labelSelector: selector });
    for (const b of bindings.items) await this.rbac.deleteClusterRoleBinding({ name: b.metadata!.name! }).catch(() => undefined);
    for (const r of (await this.rbac.listRoleForAllNamespaces({ labelSelector: selector })).items) {
      await this.rbac.deleteNamespacedRole({ namespace: r.metadata!.namespace!, name: r.metadata!.name! }).catch(() => undefined);
    }
    for (const b of (await this.rbac.listRoleBindingForAllNamespaces({ labelSelector: selector })).items) {
      await this.rbac.deleteNamespacedRoleBinding({ namespace: b.metadata!.namespace!, name: b.metadata!.name! }).catch(() => undefined);
    }
  }
}

/** Ready and not terminating, by the same rule as the simulator's observer (src/sim/ready-observer.ts). */
export function isServing(pod: V1Pod): boolean {
  return podIsServing(pod as unknown as Pod);
}

const MERGE_PATCH = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

/** client-node's request option that sends a JSON merge patch. */
export function mergePatch() {
  return MERGE_PATCH;
}

/** A Deployment as scenarios write it: label app=<name>, a start-up delay, a short grace. */
export function deployment(name: string, o: { replicas: number; startupMs?: number; graceSeconds?: number; maxSurge?: number | string; maxUnavailable?: number | string; cpu?: string; podSpec?: Record<string, unknown> }): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { app: name } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: o.maxSurge ?? 1, maxUnavailable: o.maxUnavailable ?? 0 } as never },
      template: {
        metadata: { labels: { app: name }, annotations: { [STARTUP_MS]: String(o.startupMs ?? 2000) } },
        spec: {
          terminationGracePeriodSeconds: o.graceSeconds ?? 2,
          containers: [{ name: 'app', image: 'nginx:1.27.3', resources: { requests: { cpu: o.cpu ?? '100m', memory: '64Mi' } } }],
          ...o.podSpec,
        },
      },
    },
  };
}

/** A StatefulSet as scenarios write it (headless service name only; no volumes). */
export function statefulSet(name: string, o: { replicas: number; startupMs?: number; graceSeconds?: number }): V1StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: o.replicas,
      serviceName: name,
      podManagementPolicy: 'OrderedReady',
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations: { [STARTUP_MS]: String(o.startupMs ?? 2000) } },
        spec: {
          terminationGracePeriodSeconds: o.graceSeconds ?? 2,
          containers: [{ name: 'app', image: 'redis:7', resources: { requests: { cpu: '100m', memory: '64Mi' } } }],
        },
      },
    },
  };
}
