/**
 * The planner's what-if cluster (not the simulator): the shared PlacementState plus the pods the
 * plan itself creates (replacements) and the scheduler that places them. One undo journal holds
 * every change — placements, cordons, the scheduler's node-sampling rotation and the
 * replacement bookkeeping here — so a wave can be tried, rolled back (affinity: skip removes a
 * node and retries) and committed without copying 150,000 pods per wave.
 */
import type { Pod, PodTemplate, StatefulSet } from '../model/k8s.js';
import type { Snapshot } from '../model/snapshot.js';
import { podKeyOf } from '../kube/pod.js';
import { buildPlacementState, type PlacementState } from '../placement/placement-state.js';
import { Scheduler } from '../placement/scheduler.js';
import { UndoJournal } from '../placement/undo-journal.js';
import type { ScheduleResult } from '../placement/types.js';
import type { Workload } from './resolve-workload.js';

/** The what-if cluster of the file comment: one per plan, shared by its waves. */
export class WhatIfCluster {
  readonly placement: PlacementState;
  private readonly journal = new UndoJournal();
  /** Where replacements go: the scheduler the simulator runs too (filters, scores, sampling). */
  private readonly scheduler = new Scheduler();
  /** Replacement pods created by the plan, by podKey → their workload. */
  private virtual = new Map<string, Workload>();
  /** Keys of replacement pods ever created per workload key (filter with nodeOf/virtualWorkload). */
  private byWorkload = new Map<string, Set<string>>();

  constructor(snapshot: Snapshot) {
    this.placement = buildPlacementState(
      {
        nodes: snapshot.nodes,
        pods: snapshot.pods,
        pvcs: snapshot.pvcs,
        pvs: snapshot.pvs,
        namespaces: snapshot.namespaces,
        storageClasses: snapshot.other.filter((o) => o.kind === 'StorageClass'),
      },
      { journal: this.journal },
    );
  }

  /** Where the scheduler would put `pod` now (advances its rotation, journaled). */
  schedule(pod: Pod): ScheduleResult {
    return this.scheduler.schedule(this.placement, pod);
  }

  /** The workload of a pod the plan created, or undefined for pods from the snapshot. */
  virtualWorkload(key: string): Workload | undefined {
    return this.virtual.get(key);
  }

  /** Plan-created pods of a workload that are placed now. */
  virtualPodsOf(workloadKey: string): Pod[] {
    const out: Pod[] = [];
    for (const key of this.byWorkload.get(workloadKey) ?? []) {
      if (this.virtual.get(key)?.key !== workloadKey) continue;
      const pod = this.placement.getPod(key);
      if (pod) out.push(pod);
    }
    return out;
  }

  nodeOf(pod: Pod | string): string | undefined {
    return this.placement.nodeOf(pod);
  }

  /** Places `pod` on `node`; with `workload`, as a pod the plan creates for it. */
  assign(pod: Pod, node: string, workload?: Workload): void {
    const key = podKeyOf(pod);
    this.placement.assign(pod, node);
    if (!workload) return;
    const prev = this.virtual.get(key);
    this.virtual.set(key, workload);
    let set = this.byWorkload.get(workload.key);
    if (!set) this.byWorkload.set(workload.key, (set = new Set()));
    const had = set.has(key);
    set.add(key);
    const owned = set;
    this.journal.record(() => {
      if (prev) this.virtual.set(key, prev);
      else this.virtual.delete(key);
      if (!had) owned.delete(key);
    });
  }

  unassign(pod: Pod | string): void {
    this.placement.unassign(pod);
  }

  setUnschedulable(node: string, value: boolean): void {
    this.placement.setUnschedulable(node, value);
  }

  /** Keeps everything done so far. */
  commit(): void {
    this.journal.commit();
  }

  /** Undoes everything since the last commit, the scheduler's rotation included. */
  rollback(): void {
    this.journal.rollback();
  }
}

/**
 * The pod a controller would create in place of `old`: same namespace and owner, unbound, from
 * `template` when given (a restart uses the workload's current template) else from the old pod.
 * `name` must be unique among placed pods unless it replaces a pod of the same name (StatefulSet).
 */
export function replacementPod(old: Pod, name: string, template?: PodTemplate): Pod {
  const source = template?.spec ?? old.spec;
  const { nodeName: _nodeName, ...spec } = source;
  const metadata: Pod['metadata'] = { name, labels: { ...(template?.metadata?.labels ?? old.metadata.labels ?? {}) } };
  if (old.metadata.namespace !== undefined) metadata.namespace = old.metadata.namespace;
  if (old.metadata.ownerReferences) metadata.ownerReferences = old.metadata.ownerReferences;
  return { apiVersion: 'v1', kind: 'Pod', metadata, spec, status: { phase: 'Pending' } };
}

/**
 * The pod the StatefulSet controller recreates in place of `old` on a restart: from the current
 * template, plus one volume per volumeClaimTemplate for this ordinal's claim
 * (`<template>-<statefulset>-<ordinal>`, the claim the old pod used), replacing a template
 * volume of the same name — as the controller does. Without them the replacement would be free
 * to go anywhere, while its claim (a local volume, a zonal disk) ties it to a node.
 */
export function statefulSetReplacement(old: Pod, sts: StatefulSet | undefined): Pod {
  const pod = replacementPod(old, old.metadata.name, sts?.spec.template);
  const templates = sts?.spec.volumeClaimTemplates ?? [];
  if (templates.length === 0) return pod;
  const names = new Set(templates.map((t) => t.metadata.name ?? ''));
  const ord = /-(\d+)$/.exec(old.metadata.name)?.[1];
  const claims = templates.map((t) => {
    const name = t.metadata.name ?? '';
    const was = old.spec.volumes?.find((v) => v.name === name && v.persistentVolumeClaim);
    return was ?? { name, persistentVolumeClaim: { claimName: `${name}-${sts!.metadata.name}-${ord ?? '0'}` } };
  });
  return { ...pod, spec: { ...pod.spec, volumes: [...(pod.spec.volumes ?? []).filter((v) => !names.has(v.name)), ...claims] } };
}
