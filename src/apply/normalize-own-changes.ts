/**
 * Before re-planning for the drift check, undo in a copy of the live snapshot what this plan
 * itself changed, so a resumed apply does not take its own work for drift: nodes it cordoned
 * are schedulable again, replicas it surged are back at their recorded original, and its
 * marks (annotations) are gone. Pure.
 */
import type { KubeObject } from '../model/k8s.js';
import type { Snapshot } from '../model/snapshot.js';
import {
  DRAINED_ANNOTATION,
  PLAN_DIGEST_ANNOTATION,
  POD_DELETION_COST_ANNOTATION,
  RESTARTED_AT_ANNOTATION,
  SURGE_ANNOTATION,
  parseSurge,
} from './own-marks.js';

export interface OwnChanges {
  /** Nodes cordoned (or drained) by this plan. */
  nodes: string[];
  /** `Kind ns/name` of workloads this plan restarted or scaled. */
  workloads: string[];
  /** True when anything at all carries this plan's marks (a resumed apply). */
  any: boolean;
}

function stripMarks(obj: KubeObject, digest: string): boolean {
  const ann = obj.metadata.annotations;
  if (!ann) return false;
  const ours = ann[PLAN_DIGEST_ANNOTATION] === digest || ann[DRAINED_ANNOTATION] === digest;
  if (!ours) return false;
  delete ann[PLAN_DIGEST_ANNOTATION];
  if (ann[DRAINED_ANNOTATION] === digest) delete ann[DRAINED_ANNOTATION];
  if (Object.keys(ann).length === 0) delete obj.metadata.annotations;
  return true;
}

export function normalizeOwnChanges(live: Snapshot, digest: string): { snapshot: Snapshot; own: OwnChanges } {
  const snapshot = structuredClone(live);
  const own: OwnChanges = { nodes: [], workloads: [], any: false };
  for (const node of snapshot.nodes) {
    if (!stripMarks(node, digest)) continue;
    own.nodes.push(node.metadata.name);
    if (node.spec) delete node.spec.unschedulable;
  }
  for (const w of [...snapshot.deployments, ...snapshot.statefulSets]) {
    if (!stripMarks(w, digest)) continue;
    own.workloads.push(`${w.kind} ${w.metadata.namespace ?? ''}/${w.metadata.name}`);
    const ann = w.metadata.annotations;
    const surge = parseSurge(ann?.[SURGE_ANNOTATION]);
    if (surge && surge.key.startsWith(digest) && ann) {
      w.spec.replicas = surge.original;
      delete ann[SURGE_ANNOTATION];
      if (Object.keys(ann).length === 0) delete w.metadata.annotations;
    }
    const tAnn = w.spec.template.metadata?.annotations;
    if (tAnn && tAnn[RESTARTED_AT_ANNOTATION]?.startsWith(digest)) {
      delete tAnn[RESTARTED_AT_ANNOTATION];
      if (Object.keys(tAnn).length === 0 && w.spec.template.metadata) delete w.spec.template.metadata.annotations;
    }
  }
  for (const pod of snapshot.pods) {
    if (!stripMarks(pod, digest)) continue;
    const ann = pod.metadata.annotations;
    if (ann) {
      delete ann[POD_DELETION_COST_ANNOTATION];
      if (Object.keys(ann).length === 0) delete pod.metadata.annotations;
    }
  }
  own.any = own.nodes.length > 0 || own.workloads.length > 0;
  own.nodes.sort();
  own.workloads.sort();
  return { snapshot, own };
}
