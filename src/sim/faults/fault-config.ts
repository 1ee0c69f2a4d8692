/**
 * The declarative, seeded fault-injection config of the simulator (`sdrain sim --faults FILE`,
 * `startSimulator({ faults })`). Every probability is drawn from one seeded generator, so the
 * same seed and the same order of requests inject the same faults. Times are milliseconds
 * after the simulator started.
 */
import { parse as parseYaml } from 'yaml';
import { InputError, type Diagnostic } from '../../errors.js';

/** Verbs as the API server counts them (src/sim/server/api-server.ts). */
export type FaultVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

export const FAULT_VERBS: readonly FaultVerb[] = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection'];

/** HTTP codes the injector can answer with before the request reaches the store. */
export type FaultCode = 409 | 429 | 500 | 503;

/** Answer a share of requests with an error instead of serving them (nothing is changed). */
export interface ErrorFault {
  /** Verbs it applies to; default all. 409 is only ever given to update and patch. */
  verbs?: FaultVerb[];
  /** 0..1 */
  rate: number;
  /** Chosen uniformly per injected error; default [500, 503, 429]. */
  codes?: FaultCode[];
}

/**
 * Serve the request (the write happens) but reset the connection instead of answering, like a
 * response lost to a network failure or an API server timing out after it committed.
 */
export interface LostResponseFault {
  verbs?: FaultVerb[];
  rate: number;
}

export interface LatencyFault {
  verbs?: FaultVerb[];
  minMs: number;
  maxMs: number;
}

export interface WatchFault {
  /** Share of watch streams that are cut (socket destroyed) at a random time in [minMs, maxMs]. */
  breakRate?: number;
  /** Share of watch streams that end cleanly (like a server-side timeout) at a random time. */
  endRate?: number;
  minMs?: number;
  maxMs?: number;
  /** Share of watches resuming from a resourceVersion that get an ERROR event with 410 Gone. */
  goneRate?: number;
}

/** The server is unreachable (connections reset) for a window. */
export interface UnreachableWindow {
  fromMs: number;
  forMs: number;
}

export interface NodeNotReadyScenario {
  node: string;
  atMs: number;
  /** The kubelet posts Ready again after this long; NotReady for good when absent. */
  forMs?: number;
}

/** Someone else (an HPA-like actor) sets a workload's replicas. */
export interface ScaleScenario {
  kind: 'Deployment' | 'StatefulSet';
  namespace: string;
  name: string;
  atMs: number;
  replicas: number;
}

/** Evictions of matching pods answer 429 as if a PodDisruptionBudget allowed no disruption. */
export interface StuckEvictionScenario {
  namespace: string;
  /** `app=nginx` style equality labels; all pods of the namespace when absent. */
  labels?: Record<string, string>;
  fromMs: number;
  /** Forever when absent. */
  forMs?: number;
}

/**
 * Pods created in the window (matching namespace and labels) run but never become Ready, like a
 * replacement whose readiness probe keeps failing (a bad config, a dependency down). When the
 * window ends the fault clears: those pods pass their probe and become Ready.
 */
export interface NeverReadyScenario {
  namespace: string;
  /** `app=nginx` style equality labels; all pods of the namespace when absent. */
  labels?: Record<string, string>;
  fromMs: number;
  /** Forever when absent. */
  forMs?: number;
}

export interface FaultConfig {
  seed?: number;
  errors?: ErrorFault[];
  lostResponses?: LostResponseFault[];
  latency?: LatencyFault[];
  watch?: WatchFault;
  unreachable?: UnreachableWindow[];
  scenarios?: {
    nodeNotReady?: NodeNotReadyScenario[];
    scale?: ScaleScenario[];
    stuckEvictions?: StuckEvictionScenario[];
    neverReady?: NeverReadyScenario[];
  };
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses and validates a fault config (YAML or JSON text). Collects every problem and throws
 * one InputError listing them.
 */
export function parseFaultConfig(text: string, file: string): FaultConfig {
  const diags: Diagnostic[] = [];
  const bad = (field: string, message: string) => diags.push({ file, field, message });
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new InputError('INPUT_INVALID', `Cannot read fault config ${file}`, [{ file, message: (e as Error).message.split('\n')[0] ?? 'invalid YAML' }]);
  }
  if (doc === null || doc === undefined) doc = {};
  if (!isObj(doc)) throw new InputError('INPUT_INVALID', `Cannot read fault config ${file}`, [{ file, message: 'expected a mapping at the top level' }]);

  const num = (o: Obj, k: string, field: string, min: number, max: number, required = false): number | undefined => {
    const v = o[k];
    if (v === undefined) {
      if (required) bad(`${field}.${k}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
      bad(`${field}.${k}`, `expected a number from ${min} to ${max}, got ${JSON.stringify(v)}`);
      return undefined;
    }
    return v;
  };
  const str = (o: Obj, k: string, field: string): string | undefined => {
    const v = o[k];
    if (typeof v !== 'string' || v === '') {
      bad(`${field}.${k}`, 'expected a non-empty string');
      return undefined;
    }
    return v;
  };
  const verbs = (o: Obj, field: string): FaultVerb[] | undefined => {
    const v = o.verbs;
    if (v === undefined) return undefined;
    if (!Array.isArray(v) || !v.every((x) => (FAULT_VERBS as readonly unknown[]).includes(x))) {
      bad(`${field}.verbs`, `expected a list of ${FAULT_VERBS.join(', ')}`);
      return undefined;
    }
    return v as FaultVerb[];
  };
  const list = (o: Obj, k: string, field: string): Obj[] => {
    const v = o[k];
    if (v === undefined) return [];
    if (!Array.isArray(v) || !v.every(isObj)) {
      bad(`${field}${k}`, 'expected a list of mappings');
      return [];
    }
    return v;
  };
  const known = (o: Obj, keys: string[], field: string) => {
    for (const k of Object.keys(o)) if (!keys.includes(k)) bad(`${field}${field ? '.' : ''}${k}`, 'unknown field');
  };

  const root = doc;
  known(root, ['seed', 'errors', 'lostResponses', 'latency', 'watch', 'unreachable', 'scenarios'], '');
  const cfg: FaultConfig = { seed: num(root, 'seed', '', 0, 2 ** 32 - 1) };
  cfg.errors = list(root, 'errors', '').map((e, i) => {
    const f = `errors[${i}]`;
    known(e, ['verbs', 'rate', 'codes'], f);
    let codes: FaultCode[] | undefined;
    if (e.codes !== undefined) {
      if (!Array.isArray(e.codes) || e.codes.length === 0 || !e.codes.every((c) => [409, 429, 500, 503].includes(c as number))) bad(`${f}.codes`, 'expected a non-empty list of 409, 429, 500, 503');
      else codes = e.codes as FaultCode[];
    }
    return { verbs: verbs(e, f), rate: num(e, 'rate', f, 0, 1, true) ?? 0, codes };
  });
  cfg.lostResponses = list(root, 'lostResponses', '').map((e, i) => {
    const f = `lostResponses[${i}]`;
    known(e, ['verbs', 'rate'], f);
    if (Array.isArray(e.verbs) && e.verbs.includes('watch')) bad(`${f}.verbs`, 'watch responses are streams: use watch.breakRate');
    return { verbs: verbs(e, f), rate: num(e, 'rate', f, 0, 1, true) ?? 0 };
  });
  cfg.latency = list(root, 'latency', '').map((l, i) => {
    const f = `latency[${i}]`;
    known(l, ['verbs', 'minMs', 'maxMs'], f);
    const minMs = num(l, 'minMs', f, 0, 60_000) ?? 0;
    const maxMs = num(l, 'maxMs', f, 0, 60_000, true) ?? 0;
    if (maxMs < minMs) bad(`${f}.maxMs`, 'must not be below minMs');
    return { verbs: verbs(l, f), minMs, maxMs };
  });
  if (root.watch !== undefined) {
    if (!isObj(root.watch)) bad('watch', 'expected a mapping');
    else {
      const w = root.watch;
      known(w, ['breakRate', 'endRate', 'minMs', 'maxMs', 'goneRate'], 'watch');
      cfg.watch = {
        breakRate: num(w, 'breakRate', 'watch', 0, 1),
        endRate: num(w, 'endRate', 'watch', 0, 1),
        minMs: num(w, 'minMs', 'watch', 0, 3_600_000),
        maxMs: num(w, 'maxMs', 'watch', 0, 3_600_000),
        goneRate: num(w, 'goneRate', 'watch', 0, 1),
      };
      if ((cfg.watch.maxMs ?? 2000) < (cfg.watch.minMs ?? 100)) bad('watch.maxMs', 'must not be below minMs');
    }
  }
  cfg.unreachable = list(root, 'unreachable', '').map((u, i) => {
    const f = `unreachable[${i}]`;
    known(u, ['fromMs', 'forMs'], f);
    return { fromMs: num(u, 'fromMs', f, 0, 86_400_000, true) ?? 0, forMs: num(u, 'forMs', f, 0, 3_600_000, true) ?? 0 };
  });
  if (root.scenarios !== undefined) {
    if (!isObj(root.scenarios)) bad('scenarios', 'expected a mapping');
    else {
      const s = root.scenarios;
      known(s, ['nodeNotReady', 'scale', 'stuckEvictions', 'neverReady'], 'scenarios');
      const labelsOf = (n: Obj, f: string): Record<string, string> | undefined => {
        if (n.labels === undefined) return undefined;
        if (!isObj(n.labels) || !Object.values(n.labels).every((v) => typeof v === 'string')) {
          bad(`${f}.labels`, 'expected a mapping of strings');
          return undefined;
        }
        return n.labels as Record<string, string>;
      };
      cfg.scenarios = {
        nodeNotReady: list(s, 'nodeNotReady', 'scenarios.').map((n, i) => {
          const f = `scenarios.nodeNotReady[${i}]`;
          known(n, ['node', 'atMs', 'forMs'], f);
          return { node: str(n, 'node', f) ?? '', atMs: num(n, 'atMs', f, 0, 86_400_000, true) ?? 0, forMs: num(n, 'forMs', f, 0, 86_400_000) };
        }),
        scale: list(s, 'scale', 'scenarios.').map((n, i) => {
          const f = `scenarios.scale[${i}]`;
          known(n, ['kind', 'namespace', 'name', 'atMs', 'replicas'], f);
          if (n.kind !== 'Deployment' && n.kind !== 'StatefulSet') bad(`${f}.kind`, 'expected Deployment or StatefulSet');
          const replicas = num(n, 'replicas', f, 0, 10_000, true) ?? 0;
          if (!Number.isInteger(replicas)) bad(`${f}.replicas`, 'expected a whole number');
          return {
            kind: n.kind === 'StatefulSet' ? 'StatefulSet' : 'Deployment',
            namespace: str(n, 'namespace', f) ?? '',
            name: str(n, 'name', f) ?? '',
            atMs: num(n, 'atMs', f, 0, 86_400_000, true) ?? 0,
            replicas,
          } satisfies ScaleScenario;
        }),
        stuckEvictions: list(s, 'stuckEvictions', 'scenarios.').map((n, i) => {
          const f = `scenarios.stuckEvictions[${i}]`;
          known(n, ['namespace', 'labels', 'fromMs', 'forMs'], f);
          return { namespace: str(n, 'namespace', f) ?? '', labels: labelsOf(n, f), fromMs: num(n, 'fromMs', f, 0, 86_400_000) ?? 0, forMs: num(n, 'forMs', f, 0, 86_400_000) };
        }),
        neverReady: list(s, 'neverReady', 'scenarios.').map((n, i) => {
          const f = `scenarios.neverReady[${i}]`;
          known(n, ['namespace', 'labels', 'fromMs', 'forMs'], f);
          return { namespace: str(n, 'namespace', f) ?? '', labels: labelsOf(n, f), fromMs: num(n, 'fromMs', f, 0, 86_400_000) ?? 0, forMs: num(n, 'forMs', f, 0, 86_400_000) };
        }),
      };
    }
  }
  if (diags.length) throw new InputError('INPUT_INVALID', `Cannot use fault config ${file}: ${diags.length} problem${diags.length === 1 ? '' : 's'}`, diags);
  return cfg;
}
