/**
 * The maintenance spec: YAML text → a fully defaulted MaintenanceSpec, or an InputError listing
 * every problem at once with file, line, column and field. Pure (the caller reads the file).
 *
 * Three passes, each collecting everything it finds: YAML syntax (including duplicate keys),
 * structure against schemas/maintenance.schema.json (unknown fields are errors, so typos never
 * silently fall back to a default), then meaning that a schema cannot express (selector syntax,
 * duplicate nodes, window order, shadowed overrides of methods and of estimate statements).
 */
import { LineCounter, parseDocument, type Document } from 'yaml';
import { compareStrings } from '../placement/compare-strings.js';
import { isoSeconds } from '../kube/time.js';
import { InputError, type Diagnostic } from '../errors.js';
import type { EstimateOverride, MaintenanceSpec, ShutdownStatement, WorkloadOverride } from '../model/spec.js';
import { parseSelector } from '../kube/selector.js';
import { parseDuration } from './parse-duration.js';
import { schemaProblems } from './schema-diagnostics.js';
import { fieldName, positionOf, type FieldPath } from './yaml-locator.js';

/**
 * Defaults, also written as `default` in the schema so editors show them.
 *
 * Deployments default to `surge`: it replaces only the pods on the drained node and keeps
 * capacity up while doing so, where `roll` restarts every pod of the Deployment and `evict`
 * dips below the desired count. Where surge is unsafe (an HPA or a GitOps tool owns the
 * replica count and would fight the temporary scale-up) the planner falls back to `roll` and
 * says so with a METHOD_FALLBACK finding.
 */
export const SPEC_DEFAULTS = {
  order: 'listed',
  concurrency: 1,
  affinity: 'fail',
  deployment: 'surge',
  statefulSet: 'evict',
  unmanaged: 'fail',
  localStorage: 'fail',
  workloadTimeout: '10m',
  nodeTimeout: '30m',
  uncordon: true,
} as const;

type Raw = Record<string, unknown>;

interface Problem {
  path: FieldPath;
  atKey?: boolean;
  message: string;
}

function asMap(v: unknown): Raw | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : undefined;
}

function yamlProblems(doc: Document, lc: LineCounter, text: string, file: string): { diagnostics: Diagnostic[]; fatal: boolean } {
  const diagnostics: Diagnostic[] = [];
  let fatal = false;
  for (const e of doc.errors) {
    const pos = lc.linePos(e.pos[0]);
    let message: string;
    if (e.code === 'DUPLICATE_KEY') {
      const key = /^[^:\n]*/.exec(text.slice(e.pos[0]))![0].trim().replace(/^["']|["']$/g, '');
      message = `duplicate key "${key}": each field may appear only once`;
    } else {
      fatal = true;
      message = `invalid YAML: ${e.message}`;
    }
    diagnostics.push({ file, line: pos.line, column: pos.col, message });
  }
  return { diagnostics, fatal };
}

/** RFC 3339 → `YYYY-MM-DDTHH:MM:SSZ` (fractions of a second dropped), or undefined. */
function normaliseInstant(text: string): string | undefined {
  const ms = Date.parse(text.toUpperCase());
  if (Number.isNaN(ms)) return undefined;
  return isoSeconds(ms);
}

function checkNodes(spec: Raw, out: Problem[]): void {
  const nodes = asMap(spec.nodes);
  if (!nodes) return;
  const names = Array.isArray(nodes.names) ? nodes.names : [];
  const hasSelector = typeof nodes.selector === 'string';
  if (names.length === 0 && !hasSelector && (nodes.names === undefined || Array.isArray(nodes.names)) && nodes.selector === undefined) {
    out.push({ path: ['spec', 'nodes'], message: 'must set "names", "selector" or both: no node to drain' });
  }
  const first = new Map<string, number>();
  names.forEach((n, i) => {
    if (typeof n !== 'string') return;
    const prev = first.get(n);
    if (prev === undefined) first.set(n, i);
    else out.push({ path: ['spec', 'nodes', 'names', i], message: `node "${n}" is already listed at spec.nodes.names[${prev}]` });
  });
  if (hasSelector) {
    const sel = nodes.selector as string;
    if (sel.trim() === '') {
      out.push({ path: ['spec', 'nodes', 'selector'], message: 'must not be empty: an empty selector matches every node' });
    } else {
      try {
        parseSelector(sel);
      } catch (e) {
        const why = (e as Error).message.replace(/^Cannot parse label selector "[^]*?": /, '');
        out.push({ path: ['spec', 'nodes', 'selector'], message: `is not a valid label selector: ${why}` });
      }
    }
  }
}

function checkOverrides(spec: Raw, out: Problem[]): void {
  const list = asMap(spec.workloads)?.overrides;
  if (!Array.isArray(list)) return;
  const entries = list.map(asMap);
  entries.forEach((o, i) => {
    if (!o) return;
    const path = ['spec', 'workloads', 'overrides', i];
    if (o.kind === 'StatefulSet' && o.method === 'surge') {
      out.push({ path: [...path, 'method'], message: 'must be one of evict, roll for a StatefulSet (got "surge")' });
    }
    for (let j = 0; j < i; j++) {
      const p = entries[j];
      if (!p || p.kind !== o.kind || p.namespace !== o.namespace) continue;
      if (p.name === undefined || p.name === o.name) {
        out.push({ path, message: `is never used: spec.workloads.overrides[${j}] already matches every ${String(o.kind)} it matches (the first match wins)` });
        break;
      }
    }
  });
}

function checkTimeouts(spec: Raw, out: Problem[]): void {
  const t = asMap(spec.timeouts);
  if (!t) return;
  for (const k of ['workload', 'node']) {
    const v = t[k];
    if (typeof v === 'string' && parseDuration(v) === 0) out.push({ path: ['spec', 'timeouts', k], message: `must be longer than 0s (got "${v}")` });
  }
}

function checkWindow(spec: Raw, out: Problem[]): void {
  const w = asMap(spec.window);
  if (!w) return;
  const nb = typeof w.notBefore === 'string' ? normaliseInstant(w.notBefore) : undefined;
  const na = typeof w.notAfter === 'string' ? normaliseInstant(w.notAfter) : undefined;
  if (nb && na && nb >= na) {
    out.push({ path: ['spec', 'window', 'notAfter'], message: `must be after notBefore (${nb}), got ${na}` });
  }
}

function checkAfterEach(spec: Raw, out: Problem[]): void {
  const a = asMap(spec.afterEach);
  if (!a || !Array.isArray(a.command)) return;
  const program = a.command[0];
  if (typeof program === 'string' && program.trim() === '') {
    out.push({ path: ['spec', 'afterEach', 'command', 0], message: 'must name a program: the first item is empty' });
  }
}

/** An estimate override no workload can reach: an earlier entry matches all it matches. */
function checkEstimate(spec: Raw, out: Problem[]): void {
  const list = asMap(spec.estimate)?.overrides;
  if (!Array.isArray(list)) return;
  const entries = list.map(asMap);
  entries.forEach((o, i) => {
    if (!o) return;
    for (let j = 0; j < i; j++) {
      const p = entries[j];
      if (!p || p.namespace !== o.namespace) continue;
      if ((p.kind === undefined || p.kind === o.kind) && (p.name === undefined || p.name === o.name)) {
        out.push({ path: ['spec', 'estimate', 'overrides', i], message: `is never used: spec.estimate.overrides[${j}] already matches every workload it matches (the first match wins)` });
        break;
      }
    }
  });
}

/** `graceful` | `whole-grace` | a duration, already checked by the schema's pattern. */
function shutdownStatement(text: string): ShutdownStatement {
  if (text === 'graceful' || text === 'whole-grace') return { model: text };
  return { model: 'duration', seconds: parseDuration(text)! };
}

function semanticProblems(data: unknown): Problem[] {
  const spec = asMap(asMap(data)?.spec);
  if (!spec) return [];
  const out: Problem[] = [];
  checkNodes(spec, out);
  checkOverrides(spec, out);
  checkTimeouts(spec, out);
  checkWindow(spec, out);
  checkAfterEach(spec, out);
  checkEstimate(spec, out);
  return out;
}

/** Builds the resolved spec from data that passed every check. */
function resolve(data: Raw): MaintenanceSpec {
  const spec = data.spec as Raw;
  const nodes = spec.nodes as Raw;
  const workloads = asMap(spec.workloads) ?? {};
  const timeouts = asMap(spec.timeouts) ?? {};
  const window = asMap(spec.window);
  const afterEach = asMap(spec.afterEach);
  const overrides = ((workloads.overrides as Raw[] | undefined) ?? []).map((o): WorkloadOverride => {
    const r: WorkloadOverride = { kind: o.kind as WorkloadOverride['kind'], namespace: o.namespace as string, method: o.method as WorkloadOverride['method'] };
    if (typeof o.name === 'string') r.name = o.name;
    return r;
  });
  const result: MaintenanceSpec = {
    apiVersion: 'sdrain.io/v1alpha1',
    kind: 'Maintenance',
    metadata: { name: (data.metadata as Raw).name as string },
    spec: {
      nodes: { names: [...((nodes.names as string[] | undefined) ?? [])] },
      order: (spec.order as MaintenanceSpec['spec']['order'] | undefined) ?? SPEC_DEFAULTS.order,
      concurrency: (spec.concurrency as number | undefined) ?? SPEC_DEFAULTS.concurrency,
      affinity: (spec.affinity as MaintenanceSpec['spec']['affinity'] | undefined) ?? SPEC_DEFAULTS.affinity,
      workloads: {
        deployment: (workloads.deployment as MaintenanceSpec['spec']['workloads']['deployment'] | undefined) ?? SPEC_DEFAULTS.deployment,
        statefulSet: (workloads.statefulSet as MaintenanceSpec['spec']['workloads']['statefulSet'] | undefined) ?? SPEC_DEFAULTS.statefulSet,
        unmanaged: (workloads.unmanaged as MaintenanceSpec['spec']['workloads']['unmanaged'] | undefined) ?? SPEC_DEFAULTS.unmanaged,
        localStorage: (workloads.localStorage as MaintenanceSpec['spec']['workloads']['localStorage'] | undefined) ?? SPEC_DEFAULTS.localStorage,
        overrides,
      },
      timeouts: {
        workloadSeconds: parseDuration((timeouts.workload as string | undefined) ?? SPEC_DEFAULTS.workloadTimeout)!,
        nodeSeconds: parseDuration((timeouts.node as string | undefined) ?? SPEC_DEFAULTS.nodeTimeout)!,
      },
    },
  };
  if (typeof nodes.selector === 'string') result.spec.nodes.selector = nodes.selector.trim();
  if (window) {
    const w: { notBefore?: string; notAfter?: string } = {};
    if (typeof window.notBefore === 'string') w.notBefore = normaliseInstant(window.notBefore)!;
    if (typeof window.notAfter === 'string') w.notAfter = normaliseInstant(window.notAfter)!;
    result.spec.window = w;
  }
  if (afterEach) {
    result.spec.afterEach = {
      command: [...(afterEach.command as string[])],
      uncordon: (afterEach.uncordon as boolean | undefined) ?? SPEC_DEFAULTS.uncordon,
    };
    if (typeof afterEach.expectedDuration === 'string') result.spec.afterEach.expectedSeconds = parseDuration(afterEach.expectedDuration)!;
  }
  const estimate = asMap(spec.estimate);
  if (estimate) {
    const overrides = ((estimate.overrides as Raw[] | undefined) ?? []).map((o): EstimateOverride => {
      const r: EstimateOverride = { namespace: o.namespace as string, shutdown: shutdownStatement(o.shutdown as string) };
      if (typeof o.kind === 'string') r.kind = o.kind as EstimateOverride['kind'];
      if (typeof o.name === 'string') r.name = o.name;
      return r;
    });
    result.spec.estimate = { overrides };
    if (typeof estimate.shutdown === 'string') result.spec.estimate.shutdown = shutdownStatement(estimate.shutdown);
  }
  return result;
}

function byPosition(a: Diagnostic, b: Diagnostic): number {
  return (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0) || cmp(a.field ?? '', b.field ?? '') || cmp(a.message, b.message);
}

const cmp = compareStrings;

/**
 * Parses and validates a maintenance spec. Throws InputError('SPEC_INVALID') carrying every
 * problem, sorted by position, each with the file, 1-based line and column, and field path.
 */
export function parseSpec(text: string, file: string): MaintenanceSpec {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true, keepSourceTokens: false });
  const syntax = yamlProblems(doc, lc, text, file);
  const fail = (diagnostics: Diagnostic[]): never => {
    const sorted = [...diagnostics].sort(byPosition);
    const n = sorted.length;
    throw new InputError('SPEC_INVALID', `Cannot use the maintenance spec "${file}": ${n} problem${n === 1 ? '' : 's'} found`, sorted, 'Fix every problem listed above; schemas/maintenance.schema.json describes each field.');
  };
  if (syntax.fatal) fail(syntax.diagnostics);
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (e) {
    fail([...syntax.diagnostics, { file, line: 1, column: 1, message: `invalid YAML: ${(e as Error).message}` }]);
  }
  if (data === null || data === undefined) fail([...syntax.diagnostics, { file, line: 1, column: 1, message: 'the file is empty: expected a Maintenance (apiVersion: sdrain.io/v1alpha1, kind: Maintenance)' }]);
  const problems: Problem[] = [...schemaProblems(data), ...semanticProblems(data)];
  const diagnostics: Diagnostic[] = [...syntax.diagnostics];
  for (const p of problems) {
    const pos = positionOf(doc, lc, p.path, p.atKey ?? false);
    const d: Diagnostic = { file, line: pos.line, column: pos.column, message: p.message };
    if (p.path.length > 0) d.field = fieldName(p.path);
    diagnostics.push(d);
  }
  if (diagnostics.length > 0) fail(diagnostics);
  return resolve(data as Raw);
}
