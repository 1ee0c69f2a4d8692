/**
 * Structural checks of a parsed plan file: every field apply relies on has the right type and
 * the parts agree with each other (wave numbering, pods vs podUids, `applicable` vs error
 * findings). Collects every problem; paths are arrays so read-plan can find their lines.
 */
import { FINDING_CODES, type FindingCode, type MethodReasonCode, type Severity, type Method, type UntouchedReason } from '../model/plan.js';

export type PlanPath = (string | number)[];

export interface PlanProblem {
  path: PlanPath;
  message: string;
}

const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];
const METHODS: readonly Method[] = ['roll', 'surge', 'evict', 'delete'];
const STRATEGY_TYPES = ['RollingUpdate', 'Recreate', 'OnDelete', 'None'];
const UNTOUCHED_REASONS: readonly UntouchedReason[] = ['daemonset', 'mirror', 'completed', 'terminating'];

/** Each MethodReason code with the parameters it carries and their type. */
const WHY_PARAMS: Record<MethodReasonCode, Record<string, 'string' | 'number' | 'boolean' | 'method'>> = {
  DEFAULT: { kind: 'string' },
  OVERRIDE: { override: 'number' },
  UNSUPPORTED_METHOD: { from: 'string' },
  PAUSED: { from: 'method' },
  REPLICAS_OWNED: { from: 'method', owner: 'string' },
  RWO_VOLUME: { from: 'method' },
  STATEFULSET: { from: 'string' },
  ONDELETE: { from: 'method' },
  PARTITIONED: { from: 'method' },
  FITS_NOWHERE: { from: 'method' },
  INVALID_STRATEGY: {},
  UNMANAGED: { delete: 'boolean' },
  UNKNOWN_OWNER: {},
  EVICT_ONLY_OWNER: { kind: 'string' },
};

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown) => typeof v === 'number' && Number.isInteger(v) && v >= 0;

/** Renders a path as `waves[0].actions[1].method`. */
export function formatPlanPath(path: PlanPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

/** Validates everything below the envelope (apiVersion/kind/formatVersion are read-plan's). */
export function validatePlanStructure(plan: Obj): PlanProblem[] {
  const problems: PlanProblem[] = [];
  const add = (path: PlanPath, message: string) => problems.push({ path, message });

  const str = (o: Obj, key: string, path: PlanPath, optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (typeof v !== 'string') add([...path, key], v === undefined ? 'is required (a string)' : 'must be a string');
  };
  const count = (o: Obj, key: string, path: PlanPath, optional = false) => {
    const v = o[key];
    if (v === undefined && optional) return;
    if (!isCount(v)) add([...path, key], v === undefined ? 'is required (a whole number ≥ 0)' : 'must be a whole number ≥ 0');
  };
  const strings = (o: Obj, key: string, path: PlanPath): string[] | undefined => {
    const v = o[key];
    if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) {
      add([...path, key], 'must be a list of strings');
      return undefined;
    }
    return v as string[];
  };
  const obj = (o: Obj, key: string, path: PlanPath): Obj | undefined => {
    const v = o[key];
    if (!isObj(v)) {
      add([...path, key], v === undefined ? 'is required (an object)' : 'must be an object');
      return undefined;
    }
    return v;
  };
  const list = (o: Obj, key: string, path: PlanPath): unknown[] | undefined => {
    const v = o[key];
    if (!Array.isArray(v)) {
      add([...path, key], v === undefined ? 'is required (a list)' : 'must be a list');
      return undefined;
    }
    return v;
  };
  const amounts = (o: Obj, key: string, path: PlanPath) => {
    const a = obj(o, key, path);
    if (a) for (const k of ['cpuMilli', 'memory', 'pods']) count(a, k, [...path, key]);
  };
  const objectRef = (o: Obj, key: string, path: PlanPath, optional: boolean) => {
    if (o[key] === undefined && optional) return;
    const r = obj(o, key, path);
    if (!r) return;
    str(r, 'kind', [...path, key]);
    str(r, 'name', [...path, key]);
    str(r, 'namespace', [...path, key], true);
  };

  str(plan, 'digest', []);
  str(plan, 'toolVersion', []);
  const spec = obj(plan, 'spec', []);
  if (spec) {
    if (spec.kind !== 'Maintenance') add(['spec', 'kind'], 'must be "Maintenance"');
    const meta = obj(spec, 'metadata', ['spec']);
    if (meta) str(meta, 'name', ['spec', 'metadata']);
    const body = obj(spec, 'spec', ['spec']);
    if (body) {
      const nodes = obj(body, 'nodes', ['spec', 'spec']);
      if (nodes) strings(nodes, 'names', ['spec', 'spec', 'nodes']);
      const c = body.concurrency;
      if (!(isCount(c) && (c as number) >= 1)) add(['spec', 'spec', 'concurrency'], 'must be a whole number ≥ 1');
    }
  }
  const cluster = obj(plan, 'cluster', []);
  if (cluster) {
    str(cluster, 'server', ['cluster'], true);
    str(cluster, 'uid', ['cluster'], true);
  }
  if (!isObj(plan.fingerprint)) add(['fingerprint'], 'must be an object');

  const waves = list(plan, 'waves', []);
  waves?.forEach((w, wi) => {
    const wp: PlanPath = ['waves', wi];
    if (!isObj(w)) return add(wp, 'must be an object');
    if (w.index !== wi + 1) add([...wp, 'index'], `must be ${wi + 1} (waves are numbered from 1 in order)`);
    strings(w, 'nodes', wp);
    amounts(w, 'surge', wp);
    amounts(w, 'free', wp);
    const untouched = list(w, 'untouched', wp);
    untouched?.forEach((u, ui) => {
      const up: PlanPath = [...wp, 'untouched', ui];
      if (!isObj(u)) return add(up, 'must be an object');
      for (const k of ['node', 'pod', 'namespace', 'reason']) str(u, k, up);
      if (typeof u.reason === 'string' && !UNTOUCHED_REASONS.includes(u.reason as UntouchedReason)) add([...up, 'reason'], `must be one of ${UNTOUCHED_REASONS.join(', ')}`);
    });
    const actions = list(w, 'actions', wp);
    actions?.forEach((a, ai) => {
      const ap: PlanPath = [...wp, 'actions', ai];
      if (!isObj(a)) return add(ap, 'must be an object');
      objectRef(a, 'workload', ap, false);
      if (!METHODS.includes(a.method as Method)) add([...ap, 'method'], `must be one of ${METHODS.join(', ')}`);
      const pods = strings(a, 'pods', ap);
      const uids = strings(a, 'podUids', ap);
      if (pods && uids && pods.length !== uids.length) add([...ap, 'podUids'], `has ${uids.length} entries but pods has ${pods.length}`);
      count(a, 'replicas', ap);
      count(a, 'expectedMinReady', ap);
      count(a, 'surgePods', ap);
      count(a, 'arrivedPods', ap);
      str(a, 'reason', ap);
      const why = obj(a, 'why', ap);
      if (why) {
        const params = WHY_PARAMS[why.code as MethodReasonCode];
        if (!params) add([...ap, 'why', 'code'], `must be one of ${Object.keys(WHY_PARAMS).join(', ')}`);
        for (const [k, type] of Object.entries(params ?? {})) {
          const v = why[k];
          const ok = type === 'method' ? METHODS.includes(v as Method) : typeof v === type;
          if (!ok) add([...ap, 'why', k], type === 'method' ? `must be one of ${METHODS.join(', ')}` : `must be a ${type}`);
        }
      }
      const s = obj(a, 'strategy', ap);
      if (s) {
        if (!STRATEGY_TYPES.includes(s.type as string)) add([...ap, 'strategy', 'type'], `must be one of ${STRATEGY_TYPES.join(', ')}`);
        count(s, 'maxSurge', [...ap, 'strategy']);
        count(s, 'maxUnavailable', [...ap, 'strategy']);
        count(s, 'partition', [...ap, 'strategy'], true);
      }
    });
  });

  let errors = 0;
  const findings = list(plan, 'findings', []);
  findings?.forEach((f, fi) => {
    const fp: PlanPath = ['findings', fi];
    if (!isObj(f)) return add(fp, 'must be an object');
    if (!SEVERITIES.includes(f.severity as Severity)) add([...fp, 'severity'], `must be one of ${SEVERITIES.join(', ')}`);
    if (f.severity === 'error') errors++;
    str(f, 'code', fp);
    if (typeof f.code === 'string' && !FINDING_CODES.includes(f.code as FindingCode)) add([...fp, 'code'], `must be one of ${FINDING_CODES.join(', ')}`);
    str(f, 'message', fp);
    str(f, 'hint', fp, true);
    str(f, 'node', fp, true);
    if (f.wave !== undefined && !(isCount(f.wave) && (f.wave as number) >= 1)) add([...fp, 'wave'], 'must be a wave number ≥ 1');
    objectRef(f, 'object', fp, true);
  });

  if (typeof plan.applicable !== 'boolean') add(['applicable'], 'must be true or false');
  else if (findings && plan.applicable !== (errors === 0)) {
    add(['applicable'], plan.applicable ? `is true but there are ${errors} error finding(s)` : 'is false but there is no error finding');
  }
  return problems;
}
