/**
 * The decision-relevant facts apply re-reads to detect drift. Only what a planning rule reads
 * goes in — identities, replica counts, strategies, selectors, budgets' rules, autoscalers,
 * node schedulability/taints/labels/allocatable and a hash of each pod template's
 * scheduling-relevant fields — so status churn does not count as drift. Never env values,
 * annotations no rule reads, or Secret data.
 */
import { createHash } from 'node:crypto';
import { keyOfObject } from '../kube/object-key.js';
import type { Deployment, KubeObject, Node, Pod, PodTemplate, StatefulSet } from '../model/k8s.js';
import type { Fingerprint, HpaFacts, NodeFacts, PdbFacts, PodFacts, WorkloadFacts } from '../model/plan.js';
import type { ClusterIndex } from './cluster-index.js';
import { compareStrings } from './compare.js';
import { compactCanonicalJson } from '../planfile/canonical-json.js';
import type { Workload } from './resolve-workload.js';
import { controllerOf } from '../kube/pod.js';
import { SAFE_TO_EVICT_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION } from './filters/opt-out-filter.js';

/** JSON with object keys sorted at every level, on one line: equal data gives equal text. */
export const sortedJson = compactCanonicalJson;

/** sha256 of the scheduling-relevant part of a pod template (what placement and the rules read). */
export function templateHash(template: PodTemplate | undefined): string {
  const spec = template?.spec;
  const relevant = {
    nodeSelector: spec?.nodeSelector,
    nodeName: spec?.nodeName,
    affinity: spec?.affinity,
    tolerations: spec?.tolerations,
    topologySpreadConstraints: spec?.topologySpreadConstraints,
    priorityClassName: spec?.priorityClassName,
    overhead: spec?.overhead,
    resources: (spec as { resources?: unknown } | undefined)?.resources,
    hostNetwork: spec?.hostNetwork,
    containers: (spec?.containers ?? []).map((c) => ({ name: c.name, requests: c.resources?.requests, limits: c.resources?.limits, ports: c.ports?.map((p) => ({ hostPort: p.hostPort, protocol: p.protocol, hostIP: p.hostIP })) })),
    initContainers: (spec?.initContainers ?? []).map((c) => ({ name: c.name, requests: c.resources?.requests, limits: c.resources?.limits, restartPolicy: c.restartPolicy })),
    volumes: (spec?.volumes ?? []).map((v) => ({ name: v.name, claim: v.persistentVolumeClaim?.claimName, emptyDir: v.emptyDir !== undefined, ephemeral: v.ephemeral !== undefined })),
    labels: template?.metadata?.labels,
  };
  return `sha256:${createHash('sha256').update(sortedJson(relevant)).digest('hex')}`;
}

function nodeFacts(node: Node): NodeFacts {
  return {
    unschedulable: node.spec?.unschedulable === true,
    taints: (node.spec?.taints ?? []).map((t) => ({ key: t.key, value: t.value ?? '', effect: t.effect })),
    labels: node.metadata.labels ?? {},
    allocatable: node.status?.allocatable ?? {},
  };
}

function workloadFacts(w: Workload): WorkloadFacts {
  const o = w.object as KubeObject | undefined;
  const facts: WorkloadFacts = { uid: w.ref.uid ?? '', present: o !== undefined };
  if (!o) return facts;
  const spec = o.spec as Partial<Deployment['spec'] & StatefulSet['spec']> | undefined;
  facts.replicas = spec?.replicas ?? null;
  facts.selector = spec?.selector ?? null;
  if (o.kind === 'Deployment') {
    facts.strategy = spec?.strategy ?? null;
    facts.paused = spec?.paused === true;
  }
  if (o.kind === 'StatefulSet') facts.updateStrategy = spec?.updateStrategy ?? null;
  facts.template = templateHash(spec?.template);
  const annotations = o.metadata.annotations ?? {};
  const labels = o.metadata.labels ?? {};
  const gitops = Object.keys({ ...labels, ...annotations }).filter((k) => k.includes('argocd.argoproj.io') || k.includes('fluxcd.io')).sort(compareStrings);
  if (gitops.length > 0) facts.gitopsMarkers = gitops;
  return facts;
}

function podFacts(pod: Pod): PodFacts {
  const ctl = controllerOf(pod);
  const a = pod.metadata.annotations ?? {};
  return {
    uid: pod.metadata.uid ?? '',
    node: pod.spec.nodeName ?? '',
    owner: ctl ? `${ctl.kind}/${ctl.name}/${ctl.uid}` : '',
    optOut: [a[SAFE_TO_EVICT_ANNOTATION] ?? '', a[DO_NOT_DISRUPT_ANNOTATION] ?? ''],
  };
}

/**
 * `list` sorted (stably) by `keyOf` in code-unit order, with each key: the order a comparator
 * building both keys per comparison gives, with each key built once.
 */
function sortedByKey<T>(list: readonly T[], keyOf: (item: T) => string): [string, T][] {
  const keyed = list.map((item): [string, T] => [keyOf(item), item]);
  keyed.sort((a, b) => compareStrings(a[0], b[0]));
  return keyed;
}

export interface FingerprintInput {
  index: ClusterIndex;
  targetNodes: string[];
  workloads: Workload[];
}

/** Builds the fingerprint; keys are inserted in sorted order (planfile sorts again anyway). */
export function fingerprint({ index, targetNodes, workloads }: FingerprintInput): Fingerprint {
  const targets = new Set(targetNodes);
  const targetFacts: Record<string, NodeFacts> = {};
  const otherFacts: Record<string, NodeFacts> = {};
  for (const name of index.nodeNames) {
    const facts = nodeFacts(index.nodes.get(name)!);
    if (targets.has(name)) targetFacts[name] = facts;
    else otherFacts[name] = facts;
  }
  const pods: Record<string, PodFacts> = {};
  const podList: Pod[] = [];
  for (const name of [...targets].sort(compareStrings)) for (const pod of index.podsByNode.get(name) ?? []) podList.push(pod);
  for (const [key, pod] of sortedByKey(podList, keyOfObject)) pods[key] = podFacts(pod);

  const wl: Record<string, WorkloadFacts> = {};
  for (const w of [...workloads].sort((a, b) => compareStrings(a.key, b.key))) {
    wl[`${w.ref.kind}/${w.ref.namespace ?? ''}/${w.ref.name}`] = workloadFacts(w);
  }
  const pdbs: Record<string, PdbFacts> = {};
  for (const [, pdb] of sortedByKey(index.snapshot.pdbs, (o) => `${o.metadata.namespace}/${o.metadata.name}`)) {
    pdbs[keyOfObject(pdb)] = {
      uid: pdb.metadata.uid ?? '',
      selector: pdb.spec?.selector ?? null,
      minAvailable: pdb.spec?.minAvailable ?? null,
      maxUnavailable: pdb.spec?.maxUnavailable ?? null,
      unhealthyPodEvictionPolicy: (pdb.spec as { unhealthyPodEvictionPolicy?: string } | undefined)?.unhealthyPodEvictionPolicy ?? null,
    };
  }
  const hpas: Record<string, HpaFacts> = {};
  for (const [, hpa] of sortedByKey(index.snapshot.hpas, (o) => `${o.metadata.namespace}/${o.metadata.name}`)) {
    hpas[keyOfObject(hpa)] = {
      uid: hpa.metadata.uid ?? '',
      target: hpa.spec?.scaleTargetRef ? `${hpa.spec.scaleTargetRef.kind}/${hpa.spec.scaleTargetRef.name}` : '',
      minReplicas: hpa.spec?.minReplicas ?? null,
      maxReplicas: hpa.spec?.maxReplicas ?? null,
    };
  }
  return { hpas, nodes: otherFacts, pdbs, pods, targetNodes: targetFacts, workloads: wl };
}
