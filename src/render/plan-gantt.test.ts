import { describe, expect, it } from 'vitest';
import type { Action, Plan } from '../model/plan.js';
import { samplePlan } from './testing/sample-plan.js';
import { MAX_TASKS_PER_WAVE, MAX_WAVES_IN_DETAIL, ganttText, renderPlanGantt } from './plan-gantt.js';

function manyWorkloads(n: number, waves = 1): Plan {
  const plan = samplePlan({ estimated: true });
  const template = plan.waves[0]!.actions[0]!;
  plan.waves = Array.from({ length: waves }, (_, wi) => ({
    ...plan.waves[0]!,
    index: wi + 1,
    nodes: [`node-${wi}`],
    actions: Array.from({ length: n }, (_, i): Action => ({ ...template, workload: { kind: 'Deployment', namespace: 'ns', name: `app-${i}` }, estimate: { ...template.estimate!, seconds: 10 + i } })),
    estimate: { seconds: 10 + n, basis: 'observed', moveSeconds: 9 + n, afterEachSeconds: 0 },
  }));
  return plan;
}

describe('renderPlanGantt', () => {
  it('one section per wave in apply order; workloads start with their wave; floors below full strength are crit', () => {
    const lines = renderPlanGantt(samplePlan({ estimated: true }));
    expect(lines[0]).toBe('```mermaid');
    expect(lines.at(-1)).toBe('```');
    expect(lines).toContain('gantt');
    const sections = lines.filter((l) => l.trimStart().startsWith('section '));
    expect(sections).toEqual(['  section Wave 1 node-a', '  section Wave 2 node-b']);
    expect(lines.find((l) => l.includes('shop/cache'))).toMatch(/floor 2\/3 ~27 s \(stop 2 s per spec\) :crit, 2000-01-01 00:00:00, 2000-01-01 00:00:27$/);
    // Wave 2 starts when wave 1's estimate ends (35 s).
    expect(lines.find((l) => l.includes('web/front'))).toMatch(/:2000-01-01 00:00:35, 2000-01-01 00:00:48$/);
  });

  it('keeps 50 workloads readable: the longest moves, then a count of the rest', () => {
    const lines = renderPlanGantt(manyWorkloads(50));
    const tasks = lines.filter((l) => l.startsWith('    '));
    expect(tasks).toHaveLength(MAX_TASKS_PER_WAVE);
    expect(tasks.at(-1)).toMatch(/… 43 more workload\(s\), up to ~52 s/);
    // The longest seven, in apply's (the plan's) order.
    expect(tasks[0]).toContain('ns/app-43');
    expect(tasks[6]).toContain('ns/app-49');
  });

  it('many waves: one bar per wave', () => {
    const lines = renderPlanGantt(manyWorkloads(3, MAX_WAVES_IN_DETAIL + 1));
    expect(lines.filter((l) => l.startsWith('    '))).toHaveLength(MAX_WAVES_IN_DETAIL + 1);
    expect(lines.filter((l) => l.startsWith('    ')).every((l) => /^    3 workload\(s\) ~13 s :/.test(l))).toBe(true);
  });

  it('task names lose what the grammar splits on', () => {
    expect(ganttText('a:b;c#d\ne`f')).toBe('a b c d e f');
  });

  it('a plan without waves has no timeline', () => {
    expect(renderPlanGantt({ ...samplePlan({ estimated: true }), waves: [] })).toEqual([]);
  });
});
