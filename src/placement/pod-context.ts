/**
 * Everything about one pod that does not depend on the node, computed once (kube-scheduler's
 * PreFilter), then `filterNode` runs the per-node filters in the default profile's order. A
 * context reflects the state when it was prepared: prepare a new one after `assign`/`unassign`.
 */
import type { V1Volume } from '@kubernetes/client-node';
import type { Pod } from '../model/k8s.js';
import { podKeyOf } from '../kube/pod.js';
import type { Resources } from '../kube/resources.js';
import { compilePodNodeConstraints, pinnedNodeNames, type NodeMatcher } from './node-selector.js';
import type { NodeInfo, PlacementState } from './placement-state.js';
import type { PredicateFailure } from './types.js';
import { nodeAffinity, NODE_AFFINITY_MISMATCH } from './predicates/node-affinity.js';
import { nodeName } from './predicates/node-name.js';
import { nodePorts, podHostPorts, type HostPort } from './predicates/node-ports.js';
import { nodeResourcesFit } from './predicates/node-resources-fit.js';
import { nodeUnschedulable } from './predicates/node-unschedulable.js';
import { taintToleration } from './predicates/taint-toleration.js';
import { restrictedVolumes, volumeRestrictions } from './predicates/volume-restrictions.js';
import { prepareVolumes, volumeBinding, volumeZone, type VolumeState } from './predicates/volumes.js';
import { prepareTopologySpread, topologySpread, type SpreadState } from './predicates/pod-topology-spread.js';
import { interPodAffinity, prepareInterPodAffinity, type InterPodAffinityState } from './predicates/inter-pod-affinity.js';

export interface PodContext {
  readonly state: PlacementState;
  readonly pod: Pod;
  readonly key: string;
  /** The node the pod is placed on in `state` when prepared (undefined for a new pod). */
  readonly placedOn: string | undefined;
  readonly request: Resources;
  readonly nonZeroRequest: Resources;
  readonly nodeConstraints: NodeMatcher;
  /** Nodes the pod is pinned to by matchFields metadata.name; undefined = any node. */
  readonly pinned: ReadonlySet<string> | undefined;
  /** Failures that hold for every node (PreFilter rejections); non-empty = nothing fits. */
  readonly podWide: PredicateFailure[];
  readonly ports: HostPort[];
  /** Inline disks VolumeRestrictions compares with the node's pods. */
  readonly disks: V1Volume[];
  readonly volumes: VolumeState;
  readonly spread: SpreadState | undefined;
  readonly affinity: InterPodAffinityState;
}

/** Throws RangeError (naming pod and container) for an invalid resource quantity. */
export function preparePod(state: PlacementState, pod: Pod): PodContext {
  const key = podKeyOf(pod);
  const { request, nonZero } = state.costsOf(pod);
  const nodeConstraints = compilePodNodeConstraints(pod);
  const pinned = pinnedNodeNames(pod);
  const podWide: PredicateFailure[] = [];
  if (pinned && pinned.size === 0) {
    podWide.push({
      predicate: 'NodeAffinity',
      message: "pod affinity terms conflict",
      unresolvable: true,
      podWide: true,
    });
  }
  const volumes = prepareVolumes(state, pod);
  podWide.push(...volumes.podWide);
  return {
    state,
    pod,
    key,
    placedOn: state.nodeOf(key),
    request,
    nonZeroRequest: nonZero,
    nodeConstraints,
    pinned,
    podWide,
    ports: podHostPorts(pod),
    disks: restrictedVolumes(pod),
    volumes,
    spread: prepareTopologySpread(state, pod, nodeConstraints),
    affinity: prepareInterPodAffinity(state, pod),
  };
}

export interface FilterOptions {
  /**
   * Report every failing predicate instead of stopping at the first, as kube-scheduler does.
   * Useful for findings; the scheduler summary message uses the first only.
   */
  all?: boolean;
}

/** Runs the filters for one node; [] = the pod fits. */
export function filterNode(ctx: PodContext, node: NodeInfo, opts?: FilterOptions): PredicateFailure[] {
  if (ctx.podWide.length > 0) return ctx.podWide;
  if (ctx.pinned && !ctx.pinned.has(node.name)) {
    return [{ predicate: 'NodeAffinity', message: NODE_AFFINITY_MISMATCH, unresolvable: true }];
  }
  const alreadyHere = ctx.placedOn === node.name ? ctx.request : undefined;
  // Straight-line rather than a list of closures: this runs once per node per pod. Without
  // `all`, the first failing predicate's list is the answer.
  const all = opts?.all === true;
  let out: PredicateFailure[] | undefined;
  let f = nodeUnschedulable(ctx.pod, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = nodeName(ctx.pod, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = taintToleration(ctx.pod, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = nodeAffinity(ctx.nodeConstraints, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = nodePorts(ctx.ports, node, ctx.key);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = nodeResourcesFit(ctx.request, node, alreadyHere);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = volumeRestrictions(ctx.disks, ctx.volumes.readWriteOncePodInUse, node, ctx.key);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = volumeBinding(ctx.volumes, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = volumeZone(ctx.volumes, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = topologySpread(ctx.spread, node);
  if (f.length > 0) {
    out = more(out, f);
    if (!all) return out;
  }
  f = interPodAffinity(ctx.affinity, node);
  if (f.length > 0) out = more(out, f);
  return out ?? [];
}

/** `failures` appended to what failed so far (the first list itself when it is the first). */
function more(out: PredicateFailure[] | undefined, failures: PredicateFailure[]): PredicateFailure[] {
  return out === undefined || out.length === 0 ? failures : [...out, ...failures];
}
