/**
 * Words shared by every plan rendering: how objects, findings and resource amounts are named,
 * and the plan's headline counts. Pure.
 */
import type { Action, Finding, Plan, ResourceAmounts, Severity, UntouchedReason } from '../model/plan.js';
import { compareStrings } from '../placement/compare-strings.js';
import type { ObjectRef } from '../model/k8s.js';
import { formatBytes, formatMilli } from '../kube/quantity.js';

/** `Deployment "shop/api"`, `Node "node-a"`. */
export function formatObjectRef(ref: ObjectRef): string {
  return `${ref.kind} "${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}"`;
}

/** `shop/api` or `node-a`: the object's name without the kind. */
export function qualifiedName(ref: { namespace?: string; name: string }): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/** Where a finding applies: `wave 2, node "node-b", Pod "shop/x"` (empty when global). */
export function findingLocation(f: Finding): string {
  const parts: string[] = [];
  if (f.wave !== undefined) parts.push(`wave ${f.wave}`);
  if (f.node !== undefined) parts.push(`node "${f.node}"`);
  if (f.object) parts.push(formatObjectRef(f.object));
  return parts.join(', ');
}

export const SEVERITY_ORDER: readonly Severity[] = ['error', 'warning', 'info'];

/** Findings of one severity, in the plan's order. */
export function findingsOf(plan: Plan, severity: Severity): Finding[] {
  return plan.findings.filter((f) => f.severity === severity);
}

/** `cpu 1500m, memory 512Mi, pods 1`. */
export function formatAmounts(a: ResourceAmounts): string {
  return `cpu ${formatMilli(a.cpuMilli)}, memory ${formatBytes(a.memory)}, pods ${a.pods}`;
}

/** True when every surge amount fits in what is free. */
export function surgeFits(surge: ResourceAmounts, free: ResourceAmounts): boolean {
  return surge.cpuMilli <= free.cpuMilli && surge.memory <= free.memory && surge.pods <= free.pods;
}

export interface PlanSummary {
  waves: number;
  nodes: number;
  /** Distinct workloads with an action. */
  workloads: number;
  /** Pods moved off the nodes. */
  pods: number;
  untouched: number;
  errors: number;
  warnings: number;
  infos: number;
  applicable: boolean;
}

/** The headline counts every rendering starts or ends with. */
export function summarizePlan(plan: Plan): PlanSummary {
  const workloads = new Set<string>();
  let pods = 0;
  let nodes = 0;
  let untouched = 0;
  for (const w of plan.waves) {
    nodes += w.nodes.length;
    untouched += w.untouched.length;
    for (const a of w.actions) {
      workloads.add(`${a.workload.kind}/${a.workload.namespace ?? ''}/${a.workload.name}`);
      pods += a.pods.length;
    }
  }
  return {
    waves: plan.waves.length,
    nodes,
    workloads: workloads.size,
    pods,
    untouched,
    errors: findingsOf(plan, 'error').length,
    warnings: findingsOf(plan, 'warning').length,
    infos: findingsOf(plan, 'info').length,
    applicable: plan.applicable,
  };
}

/** `1 error`, `2 warnings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `2 waves, 2 nodes, 4 workloads, 5 pods moved, 1 error, 1 warning, 1 info`. */
export function formatSummaryCounts(s: PlanSummary): string {
  return [
    plural(s.waves, 'wave'),
    plural(s.nodes, 'node'),
    plural(s.workloads, 'workload'),
    `${plural(s.pods, 'pod')} moved`,
    plural(s.errors, 'error'),
    plural(s.warnings, 'warning'),
    `${s.infos} info`,
  ].join(', ');
}

/** How an untouched pod's reason reads. */
export const UNTOUCHED_LABEL: Record<UntouchedReason, string> = {
  daemonset: 'DaemonSet',
  mirror: 'mirror pod',
  completed: 'completed',
  terminating: 'terminating',
};

/** An action's reason as people read it: the sentence of `why`, then the pods an earlier wave places here. */
export function actionReason(a: Action): string {
  return a.arrivedPods > 0 ? `${a.reason}; ${a.arrivedPods} pod(s) placed here by an earlier wave` : a.reason;
}

/** Untouched pods grouped by reason: `2 DaemonSet pod, 1 mirror pod`, sorted by reason. */
export function summarizeUntouched(untouched: Plan['waves'][number]['untouched']): string {
  const byReason = new Map<string, number>();
  for (const u of untouched) byReason.set(UNTOUCHED_LABEL[u.reason] ?? u.reason, (byReason.get(UNTOUCHED_LABEL[u.reason] ?? u.reason) ?? 0) + 1);
  return [...byReason.entries()]
    .sort(([a], [b]) => compareStrings(a, b))
    .map(([reason, n]) => `${n} × ${reason}`)
    .join(', ');
}
