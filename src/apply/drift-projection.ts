/**
 * What drift compares: a canonical, structured projection of a plan — the facts that would
 * change apply's work (waves, nodes, each action by its workload, each pod by name with its UID,
 * untouched pods) and the safety analysis (findings, applicable, the fingerprint) — keyed by
 * object names, never by list position, so a change names its object. Two plans drift when
 * their projections differ; the unified diff shown is rendered from the projections afterwards.
 *
 * Every field of the plan is listed in DRIFT_FIELDS as compared or not (with why): the tables
 * are typed over the plan's own field names, so a new field does not compile until it is
 * placed, and a test mutates each field to prove the table true.
 */
import type { Action, Finding, Plan, Wave } from '../model/plan.js';
import { canonicalJson } from '../planfile/canonical-json.js';

/** 'compared', or why a field does not take part in drift. */
export type DriftRole = 'compared' | `not compared: ${string}`;

type Untouched = Wave['untouched'][number];

/** Each field of each part of a plan, and whether drift compares it. */
export const DRIFT_FIELDS = {
  plan: {
    apiVersion: 'not compared: the envelope, checked by the reader',
    kind: 'not compared: the envelope, checked by the reader',
    formatVersion: 'not compared: how the file is written, not a decision (the reader reads format 1 into format 2)',
    digest: 'not compared: identifies the file, checked by the reader and --expect-digest',
    toolVersion: 'not compared: checked on its own (a plan of another version is refused when the re-plan differs)',
    spec: 'not compared: the re-plan uses the plan\'s own spec',
    cluster: 'not compared: checked before the drift check (apply refuses another cluster)',
    waves: 'compared',
    findings: 'compared',
    applicable: 'compared',
    fingerprint: 'compared',
    estimate: 'not compared: a forecast from timestamps, not a decision apply executes',
  } satisfies Record<keyof Plan, DriftRole>,
  wave: {
    index: 'compared',
    nodes: 'compared',
    actions: 'compared',
    surge: 'compared',
    free: 'compared',
    untouched: 'compared',
    estimate: 'not compared: a forecast from timestamps, not a decision apply executes',
  } satisfies Record<keyof Wave, DriftRole>,
  action: {
    workload: 'compared',
    method: 'compared',
    pods: 'compared',
    podUids: 'compared',
    replicas: 'compared',
    strategy: 'compared',
    expectedMinReady: 'compared',
    surgePods: 'compared',
    why: 'compared',
    reason: 'not compared: the sentence rendered from why, which is compared',
    arrivedPods: 'compared',
    estimate: 'not compared: a forecast from timestamps, not a decision apply executes',
  } satisfies Record<keyof Action, DriftRole>,
  untouched: {
    node: 'compared',
    namespace: 'compared',
    pod: 'compared',
    reason: 'compared',
  } satisfies Record<keyof Untouched, DriftRole>,
  finding: {
    severity: 'compared',
    code: 'compared',
    wave: 'compared',
    node: 'compared',
    object: 'compared',
    message: 'compared',
    hint: 'compared',
  } satisfies Record<keyof Finding, DriftRole>,
} as const;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function ref(o: { kind: string; namespace?: string; name: string }): string {
  return `${o.kind} ${o.namespace !== undefined ? `${o.namespace}/` : ''}${o.name}`;
}

/** Adds `value` under `key`, suffixing " #2", " #3"… when the key repeats. */
function put(target: { [key: string]: Json }, key: string, value: Json): void {
  let k = key;
  for (let n = 2; k in target; n++) k = `${key} #${n}`;
  target[k] = value;
}

function projectAction(a: Action): { [key: string]: Json } {
  const pods: { [key: string]: Json } = {};
  a.pods.forEach((p, i) => put(pods, p, a.podUids[i] ?? ''));
  return {
    uid: a.workload.uid ?? null,
    method: a.method,
    pods,
    replicas: a.replicas,
    strategy: a.strategy as unknown as Json,
    expectedMinReady: a.expectedMinReady,
    surgePods: a.surgePods,
    why: a.why as unknown as Json,
    arrivedPods: a.arrivedPods,
  };
}

function findingKey(f: Finding): string {
  return [f.severity, f.code, f.wave !== undefined ? `wave ${f.wave}` : '', f.node ? `node ${f.node}` : '', f.object ? ref(f.object) : ''].filter(Boolean).join(' ');
}

/** The canonical projection of the compared fields (see DRIFT_FIELDS), keyed by object. */
export function driftProjection(plan: Plan): { [key: string]: Json } {
  const waves: { [key: string]: Json } = {};
  for (const w of plan.waves) {
    const actions: { [key: string]: Json } = {};
    for (const a of w.actions) put(actions, ref(a.workload), projectAction(a));
    const untouched: { [key: string]: Json } = {};
    for (const u of w.untouched) put(untouched, `${u.node} ${u.namespace}/${u.pod}`, u.reason);
    put(waves, String(w.index), { nodes: w.nodes, surge: w.surge as unknown as Json, free: w.free as unknown as Json, actions, untouched });
  }
  const findings: { [key: string]: Json } = {};
  for (const f of plan.findings) put(findings, findingKey(f), f.hint !== undefined ? { message: f.message, hint: f.hint } : { message: f.message });
  return { waves, findings, applicable: plan.applicable, fingerprint: plan.fingerprint as unknown as Json };
}

/**
 * A projection as `a.b["c d"][1] = value` lines (keys sorted, scalars as JSON, empty maps and
 * lists as {} and []): each fact is one line naming its object.
 */
export function projectionLines(value: unknown, prefix: string, out: string[] = []): string[] {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${prefix} = []`);
    value.forEach((v, i) => projectionLines(v, `${prefix}[${i}]`, out));
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort();
    if (keys.length === 0) out.push(`${prefix} = {}`);
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : /^\d+$/.test(k) ? `[${k}]` : `[${JSON.stringify(k)}]`;
      projectionLines(v, prefix ? `${prefix}${step}` : step.replace(/^\./, ''), out);
    }
  } else {
    out.push(`${prefix} = ${JSON.stringify(value)}`);
  }
  return out;
}

/** The projection paths whose values differ (to `depth` levels below the top), sorted. */
export function changedPaths(a: unknown, b: unknown, depth = 5, path = ''): string[] {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return [];
  const isObj = (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (depth <= 0 || !isObj(a) || !isObj(b)) return [path || '(plan)'];
  const keys = [...new Set([...Object.keys(a as object), ...Object.keys(b as object)])].sort();
  return keys.flatMap((k) => {
    const step = /^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `.${k}` : /^\d+$/.test(k) ? `[${k}]` : `[${JSON.stringify(k)}]`;
    return changedPaths((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k], depth - 1, path ? `${path}${step}` : step.replace(/^\./, ''));
  });
}
