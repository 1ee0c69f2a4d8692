import { describe, expect, it } from 'vitest';
import type { ApplyEvent } from '../../../src/apply/apply-event.js';
import type { ApplyResult } from '../../../src/apply/apply-result.js';
import { samplePlan } from '../../cli/sample-plan.js';
import { formatEventNdjson } from '../../../src/render/apply-events-ndjson.js';
import { createLiveState, reduceLive, renderLive } from '../../../src/render/apply-live-view.js';
import { formatProgressLine } from '../../../src/render/apply-progress-lines.js';
import { renderApplySummary } from '../../../src/render/apply-summary.js';

const AT = Date.parse('2026-03-14T02:00:00Z');
const api = { kind: 'Deployment', namespace: 'shop', name: 'api' };

describe('apply progress lines', () => {
  it.each<[ApplyEvent, string]>([
    [{ type: 'node-cordoned', at: AT, wave: 1, node: 'node-a', already: false }, '2026-03-14T02:00:00Z wave 1: node node-a cordoned\n'],
    [{ type: 'workload-progress', at: AT, wave: 1, workload: api, ready: 2, desired: 3, podsLeft: 1, phase: 'waiting for the rollout' }, '2026-03-14T02:00:00Z wave 1: Deployment shop/api: 2/3 ready, 1 pod(s) left on the node(s) — waiting for the rollout\n'],
    [{ type: 'workload-done', at: AT, wave: 1, workload: api, minReady: 3, expectedMinReady: 3, ms: 65_000 }, '2026-03-14T02:00:00Z wave 1: Deployment shop/api: done in 1m05s (min ready 3, floor 3)\n'],
    [{ type: 'failed', at: AT, message: 'first line\nsecond' }, '2026-03-14T02:00:00Z FAILED: first line\n'],
  ])('%o', (event, line) => {
    expect(formatProgressLine(event)).toBe(line);
  });

  it('writes NDJSON with sorted keys and an ISO time', () => {
    expect(formatEventNdjson({ type: 'wave-done', at: AT, wave: 2, ms: 1500 })).toBe('{"ms":1500,"time":"2026-03-14T02:00:00.000Z","type":"wave-done","wave":2}\n');
  });
});

describe('live view', () => {
  it('shows the running wave with ready counts and pods left', () => {
    const state = createLiveState(samplePlan());
    reduceLive(state, { type: 'wave-start', at: AT, wave: 1, nodes: ['node-a'] });
    reduceLive(state, { type: 'node-cordoned', at: AT, wave: 1, node: 'node-a', already: false });
    reduceLive(state, { type: 'workload-start', at: AT, wave: 1, workload: api, method: 'roll', pods: ['api-7d9-a', 'api-7d9-b'], replicas: 3, expectedMinReady: 3 });
    reduceLive(state, { type: 'workload-progress', at: AT, wave: 1, workload: api, ready: 3, desired: 3, podsLeft: 1, phase: 'waiting for the rollout' });
    const frame = renderLive(state, AT + 12_000);
    expect(frame).toContain('> wave 1 [running 12s]');
    expect(frame).toContain('    node node-a: cordoned');
    expect(frame).toContain('    > Deployment shop/api (roll) ready 3/3, 1 left on node — waiting for the rollout');
    expect(frame).toContain('  wave 2 [pending]');
  });
});

describe('apply summary', () => {
  const base: ApplyResult = {
    status: 'failed',
    digest: 'sha256:abc',
    resumed: false,
    waves: [{ index: 1, nodes: ['node-a'], status: 'failed', ms: 4000 }],
    workloads: [{ wave: 1, workload: api, method: 'surge', pods: 2, status: 'failed', minReady: 3, expectedMinReady: 3, ms: 4000 }],
    ms: 5000,
    nodes: [{ name: 'node-a', cordoned: true, ours: true, drained: false, podsLeft: ['shop/api-1', 'shop/api-2'] }],
  };

  it('after a failure: what moved, min ready vs floor, and the cluster state', () => {
    const text = renderApplySummary(base);
    expect(text).toMatch(/│ 1\s+│ Deployment shop\/api │ surge\s+│ 2\s+│ failed │ 3\s+│ 3\s+│ 4s\s+│/);
    expect(text).toMatch(/│ node-a │ yes \(by this plan\) │ no\s+│ shop\/api-1, shop\/api-2 │/);
    expect(text).toContain('Still cordoned by this plan: node-a.');
    expect(text.trimEnd().split('\n').at(-1)).toBe('Apply of sha256:abc failed after 5s.');
  });

  it('flags a floor broken', () => {
    const text = renderApplySummary({ ...base, workloads: [{ ...base.workloads[0]!, minReady: 1 }] });
    expect(text).toContain('1 (below floor)');
  });

  it('already applied: one sentence', () => {
    expect(renderApplySummary({ ...base, status: 'already-applied' })).toBe('Plan sha256:abc is already fully applied: nothing was changed.\n');
  });
});
