/**
 * The apply report's data: the events of one apply (live, or read back from NDJSON) folded into
 * waves, nodes and workloads with their times, ready-count series, method steps and estimates.
 * With the plan, workloads the apply never reached are listed too ("not started"), so a failed
 * apply shows where it stopped. Pure; src/render/apply-report.ts draws it.
 */
import type { ApplyEvent, WorkloadStep } from '../apply/apply-event.js';
import type { ObjectRef } from '../model/k8s.js';
import type { Method, Plan } from '../model/plan.js';
import { refText } from './apply-progress-lines.js';

export interface ReadySample {
  at: number;
  ready: number;
  desired: number;
}

export interface ReportWorkload {
  wave: number;
  ref: ObjectRef;
  label: string;
  method: Method;
  pods: string[];
  /** Full strength (spec.replicas at plan time). */
  replicas: number;
  /** The plan's floor (expectedMinReady). */
  floor: number;
  estimateSeconds?: number;
  start?: number;
  end?: number;
  status: 'done' | 'failed' | 'running' | 'not started';
  minReady: number | null;
  samples: ReadySample[];
  steps: { at: number; step: WorkloadStep | 'evict-retry'; pod?: string; replicas?: number }[];
  message?: string;
}

export interface ReportNode {
  name: string;
  wave: number;
  cordonAt?: number;
  afterEach?: { start: number; end?: number; exitCode?: number };
  readyAt?: number;
  uncordonAt?: number;
}

export interface ReportWave {
  index: number;
  nodes: string[];
  start?: number;
  end?: number;
  estimateSeconds?: number;
  status: 'done' | 'skipped' | 'failed' | 'running' | 'not started';
}

export interface ReportModel {
  maintenance?: string;
  digest?: string;
  start: number;
  end: number;
  estimateSeconds?: number;
  outcome: { status: 'done' | 'failed' | 'interrupted' | 'already-applied' | 'incomplete'; at: number; message?: string };
  waves: ReportWave[];
  nodes: ReportNode[];
  workloads: ReportWorkload[];
  eventCount: number;
}

function key(wave: number, ref: ObjectRef): string {
  return `${wave}\u0000${refText(ref)}`;
}

/** Folds the events (in the order they were emitted) and, optionally, the plan into the model. */
export function buildReportModel(events: readonly ApplyEvent[], plan?: Plan): ReportModel {
  const waves = new Map<number, ReportWave>();
  const nodes = new Map<string, ReportNode>();
  const workloads = new Map<string, ReportWorkload>();
  const waveOf = (index: number, nodeNames: string[] = []): ReportWave => {
    let w = waves.get(index);
    if (!w) waves.set(index, (w = { index, nodes: nodeNames, status: 'not started' }));
    if (w.nodes.length === 0) w.nodes = nodeNames;
    return w;
  };
  const nodeOf = (name: string, wave = 0): ReportNode => {
    let n = nodes.get(name);
    if (!n) nodes.set(name, (n = { name, wave }));
    if (wave > 0) n.wave = wave;
    return n;
  };
  const workloadOf = (wave: number, ref: ObjectRef): ReportWorkload => {
    const k = key(wave, ref);
    let w = workloads.get(k);
    if (!w) workloads.set(k, (w = { wave, ref, label: refText(ref), method: 'evict', pods: [], replicas: 0, floor: 0, status: 'not started', minReady: null, samples: [], steps: [] }));
    return w;
  };

  if (plan) {
    for (const pw of plan.waves) {
      const w = waveOf(pw.index, [...pw.nodes]);
      if (pw.estimate) w.estimateSeconds = pw.estimate.seconds;
      for (const n of pw.nodes) nodeOf(n, pw.index);
      for (const a of pw.actions) {
        const wl = workloadOf(pw.index, a.workload);
        wl.ref = { kind: a.workload.kind, name: a.workload.name, ...(a.workload.namespace !== undefined ? { namespace: a.workload.namespace } : {}) };
        wl.method = a.method;
        wl.pods = [...a.pods];
        wl.replicas = a.replicas;
        wl.floor = a.expectedMinReady;
        if (a.estimate) wl.estimateSeconds = a.estimate.seconds;
      }
    }
  }

  const model: ReportModel = {
    start: events[0]?.at ?? 0,
    end: events[events.length - 1]?.at ?? 0,
    outcome: { status: 'incomplete', at: events[events.length - 1]?.at ?? 0 },
    waves: [],
    nodes: [],
    workloads: [],
    eventCount: events.length,
  };
  if (plan) {
    model.maintenance = plan.spec.metadata.name;
    model.digest = plan.digest;
    if (plan.estimate) model.estimateSeconds = plan.estimate.seconds;
  }

  for (const e of events) {
    switch (e.type) {
      case 'start':
        model.start = e.at;
        model.digest = e.digest;
        if (e.maintenance) model.maintenance = e.maintenance;
        if (e.estimateSeconds !== undefined) model.estimateSeconds = e.estimateSeconds;
        break;
      case 'wave-start': {
        const w = waveOf(e.wave, e.nodes);
        w.start = e.at;
        w.status = 'running';
        if (e.estimateSeconds !== undefined) w.estimateSeconds = e.estimateSeconds;
        for (const n of e.nodes) nodeOf(n, e.wave);
        break;
      }
      case 'wave-skipped':
        waveOf(e.wave).status = 'skipped';
        break;
      case 'wave-done': {
        const w = waveOf(e.wave);
        w.end = e.at;
        w.status = 'done';
        if (e.estimateSeconds !== undefined) w.estimateSeconds = e.estimateSeconds;
        break;
      }
      case 'node-cordoned':
        nodeOf(e.node, e.wave).cordonAt = e.at;
        break;
      case 'after-each-start':
        nodeOf(e.node, e.wave).afterEach = { start: e.at };
        break;
      case 'after-each-done': {
        const n = nodeOf(e.node);
        n.afterEach = { start: n.afterEach?.start ?? e.at, end: e.at, exitCode: e.exitCode };
        break;
      }
      case 'node-ready':
        nodeOf(e.node).readyAt = e.at;
        break;
      case 'node-uncordoned':
        nodeOf(e.node).uncordonAt = e.at;
        break;
      case 'workload-start': {
        const w = workloadOf(e.wave, e.workload);
        w.method = e.method;
        w.pods = [...e.pods];
        if (e.replicas !== undefined) w.replicas = e.replicas;
        if (e.expectedMinReady !== undefined) w.floor = e.expectedMinReady;
        if (e.estimateSeconds !== undefined) w.estimateSeconds = e.estimateSeconds;
        w.start = e.at;
        w.status = 'running';
        break;
      }
      case 'workload-progress': {
        const w = workloadOf(e.wave, e.workload);
        if (e.desired > 0) w.samples.push({ at: e.at, ready: e.ready, desired: e.desired });
        break;
      }
      case 'workload-step': {
        const w = workloadOf(e.wave, e.workload);
        const s: ReportWorkload['steps'][number] = { at: e.at, step: e.step };
        if (e.pod !== undefined) s.pod = e.pod;
        if (e.replicas !== undefined) s.replicas = e.replicas;
        w.steps.push(s);
        break;
      }
      case 'evict-retry':
        workloadOf(e.wave, e.workload).steps.push({ at: e.at, step: 'evict-retry', pod: e.pod });
        break;
      case 'workload-done': {
        const w = workloadOf(e.wave, e.workload);
        w.end = e.at;
        w.status = 'done';
        w.minReady = e.minReady;
        w.floor = e.expectedMinReady;
        if (e.estimateSeconds !== undefined) w.estimateSeconds = e.estimateSeconds;
        break;
      }
      case 'workload-failed': {
        const w = workloadOf(e.wave, e.workload);
        w.end = e.at;
        w.status = 'failed';
        w.message = e.message;
        break;
      }
      case 'failed':
      case 'interrupted':
        model.outcome = { status: e.type, at: e.at, message: e.message };
        break;
      case 'done':
        model.outcome = { status: 'done', at: e.at };
        break;
      case 'already-applied':
        model.outcome = { status: 'already-applied', at: e.at };
        break;
      default:
        break;
    }
  }

  // The lowest ready count seen, for workloads that did not finish (done events carry their own).
  for (const w of workloads.values()) {
    if (w.status !== 'done' && w.samples.length > 0) w.minReady = Math.min(...w.samples.map((s) => s.ready));
    if (w.replicas === 0 && w.samples.length > 0) w.replicas = w.samples[0]!.desired;
  }
  if (model.outcome.status === 'failed' || model.outcome.status === 'interrupted') {
    for (const w of waves.values()) if (w.status === 'running') w.status = 'failed';
  }
  model.waves = [...waves.values()].sort((a, b) => a.index - b.index);
  model.nodes = [...nodes.values()];
  model.workloads = [...workloads.values()].sort((a, b) => a.wave - b.wave);
  return model;
}

/** Stretches of time a workload spent below its floor: [from, to) in ms. */
export function dipsBelowFloor(w: ReportWorkload, until: number): { from: number; to: number; ready: number }[] {
  const out: { from: number; to: number; ready: number }[] = [];
  for (let i = 0; i < w.samples.length; i++) {
    const s = w.samples[i]!;
    if (s.ready >= w.floor) continue;
    const to = w.samples[i + 1]?.at ?? w.end ?? until;
    const last = out[out.length - 1];
    if (last && last.to === s.at) {
      last.to = to;
      last.ready = Math.min(last.ready, s.ready);
    } else out.push({ from: s.at, to, ready: s.ready });
  }
  return out;
}
