/**
 * The demo's closing table: per workload moved, the least ready replicas observed with sdrain
 * and with plain eviction, next to the replica count and the plan's floor. Pure: data in, text out.
 */
import Table from 'cli-table3';
import type { Plan } from '../model/plan.js';
import { makeStyle } from '../render/style.js';
import type { WorkloadKey } from './ready-observer.js';

export interface AvailabilityRow {
  workload: WorkloadKey;
  method: string;
  replicas: number;
  floor: number;
  sdrainMin: number | undefined;
  plainMin: number | undefined;
}

/** One row per workload the plan moves; the floor is the lowest expectedMinReady over its waves. */
export function availabilityRows(plan: Plan, sdrainMin: Map<WorkloadKey, number>, plainMin: Map<WorkloadKey, number>): AvailabilityRow[] {
  const rows = new Map<WorkloadKey, AvailabilityRow>();
  for (const wave of plan.waves) {
    for (const a of wave.actions) {
      if (a.pods.length === 0) continue;
      const key = workloadKey(a.workload.kind, a.workload.namespace, a.workload.name);
      const prev = rows.get(key);
      rows.set(key, {
        workload: key,
        method: prev && prev.method !== a.method ? `${prev.method}, ${a.method}` : a.method,
        replicas: a.replicas,
        floor: Math.min(a.expectedMinReady, prev?.floor ?? a.expectedMinReady),
        sdrainMin: sdrainMin.get(key),
        plainMin: plainMin.get(key),
      });
    }
  }
  return [...rows.values()].sort((x, y) => (x.workload < y.workload ? -1 : x.workload > y.workload ? 1 : 0));
}

export function workloadKey(kind: string, namespace: string | undefined, name: string): WorkloadKey {
  return `${kind} ${namespace ?? ''}/${name}`;
}

/** The table and a one-line verdict per row where the two differ. */
export function renderAvailabilityReport(rows: AvailabilityRow[], color: boolean): string {
  const s = makeStyle(color);
  const table = new Table({
    head: ['Workload', 'Replicas', 'Plan floor', 'sdrain (method)', 'Plain eviction'],
    style: { head: [], border: [] },
  });
  const cell = (n: number | undefined, r: AvailabilityRow) => {
    if (n === undefined) return '?';
    const text = `${n}/${r.replicas}`;
    return n >= r.replicas ? s.green(text) : n === 0 ? s.red(text) : s.yellow(text);
  };
  for (const r of rows) {
    const below = r.sdrainMin !== undefined && r.sdrainMin < r.floor ? s.red(' below floor!') : '';
    table.push([r.workload, String(r.replicas), `${r.floor}/${r.replicas}`, `${cell(r.sdrainMin, r)} (${r.method})${below}`, cell(r.plainMin, r)]);
  }
  const lines = [`${s.bold('Availability')}: least ready replicas observed while worker pods moved`, table.toString(), ''];
  const better = rows.filter((r) => r.sdrainMin !== undefined && r.plainMin !== undefined && r.sdrainMin > r.plainMin);
  for (const r of better) {
    lines.push(`  ${r.workload}: stayed at ${r.sdrainMin}/${r.replicas} with sdrain; plain eviction dropped it to ${r.plainMin}/${r.replicas}.`);
  }
  const same = rows.filter((r) => r.sdrainMin !== undefined && r.sdrainMin === r.plainMin && r.sdrainMin < r.replicas);
  for (const r of same) {
    lines.push(`  ${r.workload}: ${r.sdrainMin}/${r.replicas} either way, as the plan said (floor ${r.floor}) — the plan warned about it before anything moved.`);
  }
  return lines.join('\n') + '\n';
}
