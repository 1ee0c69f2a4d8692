/**
 * The live apply view on a TTY: one block per wave, one line per node and workload with its
 * ready count moving and the pods left on the node, plus the last few messages. The state is
 * folded from ApplyEvents; rendering returns the frame text (the CLI redraws it in place).
 */
import type { ApplyEvent } from '../apply/apply-event.js';
import type { Plan } from '../model/plan.js';
import { describeApplyEvent, formatSeconds, refText } from './apply-progress-lines.js';

interface WorkloadLine {
  label: string;
  method: string;
  ready?: number;
  desired?: number;
  podsLeft: number;
  phase: string;
  status: 'waiting' | 'running' | 'done' | 'failed';
}

interface WaveBlock {
  index: number;
  nodes: string[];
  status: 'pending' | 'running' | 'done' | 'skipped' | 'failed';
  startedAt?: number;
  ms?: number;
  nodeStatus: Map<string, string>;
  workloads: Map<string, WorkloadLine>;
}

export interface LiveState {
  waves: WaveBlock[];
  messages: string[];
}

export function createLiveState(plan: Plan): LiveState {
  return {
    waves: plan.waves.map((w) => ({
      index: w.index,
      nodes: w.nodes,
      status: 'pending',
      nodeStatus: new Map(w.nodes.map((n) => [n, 'waiting'])),
      workloads: new Map(
        w.actions.map((a) => [refText(a.workload), { label: refText(a.workload), method: a.method, podsLeft: a.pods.length, phase: '', status: 'waiting' as const }]),
      ),
    })),
    messages: [],
  };
}

export function reduceLive(state: LiveState, e: ApplyEvent): void {
  const wave = 'wave' in e ? state.waves.find((w) => w.index === e.wave) : undefined;
  const nodeWave = 'node' in e ? state.waves.find((w) => w.nodes.includes(e.node)) : undefined;
  switch (e.type) {
    case 'wave-start':
      if (wave) Object.assign(wave, { status: 'running', startedAt: e.at });
      break;
    case 'wave-skipped':
      if (wave) wave.status = 'skipped';
      break;
    case 'wave-done':
      if (wave) Object.assign(wave, { status: 'done', ms: e.ms });
      break;
    case 'node-cordoned':
      wave?.nodeStatus.set(e.node, 'cordoned');
      break;
    case 'after-each-start':
      nodeWave?.nodeStatus.set(e.node, 'running afterEach');
      break;
    case 'node-ready':
      nodeWave?.nodeStatus.set(e.node, 'Ready (cordoned)');
      break;
    case 'node-uncordoned':
      nodeWave?.nodeStatus.set(e.node, 'Ready, uncordoned');
      break;
    case 'workload-start':
    case 'workload-progress':
    case 'workload-done':
    case 'workload-failed': {
      const line = wave?.workloads.get(refText(e.workload));
      if (!line) break;
      if (e.type === 'workload-start') line.status = 'running';
      if (e.type === 'workload-progress') Object.assign(line, { ready: e.ready, desired: e.desired, podsLeft: e.podsLeft, phase: e.phase });
      if (e.type === 'workload-done') Object.assign(line, { status: 'done', podsLeft: 0, phase: `done in ${formatSeconds(e.ms)}` });
      if (e.type === 'workload-failed') {
        Object.assign(line, { status: 'failed', phase: e.message.split('\n')[0] });
        if (wave) wave.status = 'failed';
      }
      break;
    }
    default:
      break;
  }
  if (e.type !== 'workload-progress') {
    const msg = describeApplyEvent(e);
    if (msg) state.messages = [...state.messages, msg.split('\n')[0] ?? ''].slice(-4);
  }
}

const MARK: Record<string, string> = { pending: ' ', waiting: ' ', running: '>', done: '✓', skipped: '-', failed: '✗' };

/** The frame: ends with a newline; `width` truncates lines so redraws stay aligned. */
export function renderLive(state: LiveState, nowMs: number, width = 120): string {
  const out: string[] = [];
  for (const w of state.waves) {
    const time = w.ms !== undefined ? ` ${formatSeconds(w.ms)}` : w.startedAt !== undefined ? ` ${formatSeconds(nowMs - w.startedAt)}` : '';
    out.push(`${MARK[w.status]} wave ${w.index} [${w.status}${time}]`);
    if (w.status !== 'running' && w.status !== 'failed') continue;
    for (const n of w.nodes) out.push(`    node ${n}: ${w.nodeStatus.get(n)}`);
    for (const l of w.workloads.values()) {
      const ready = l.desired !== undefined ? ` ready ${l.ready}/${l.desired}` : '';
      out.push(`    ${MARK[l.status]} ${l.label} (${l.method})${ready}, ${l.podsLeft} left on node${l.phase ? ` — ${l.phase}` : ''}`);
    }
  }
  for (const m of state.messages) out.push(`  ${m}`);
  return out.map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l)).join('\n') + '\n';
}
