/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The Mermaid timeline of `sdrain show -o markdown`, rendered by mermaid itself (the npm
 * package's browser bundle, loaded from node_modules into a blank page) in headless Chromium: a
 * syntax slip fails here instead of reaching a reviewer. Checked on a real plan of the seed
 * article, on the example cluster's plan and on a plan of 50 workloads.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Action, Plan } from '../../src/model/plan.js';
import { plan as computePlan } from '../../src/plan/plan.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.js';
import { loadSnapshotText } from '../../src/snapshot/snapshot-file.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { launchChromium, type Browser } from './chromium.js';

const MERMAID = createRequire(import.meta.url).resolve('mermaid/dist/mermaid.min.js');

let browser: Browser;
beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

function mermaidBlocks(markdown: string): string[] {
  return [...markdown.matchAll(/```mermaid\n([\s\S]*?)```/g)].map((m) => m[1]!);
}

function planOf(cluster: string, maint: string): Plan {
  const { snapshot } = loadSnapshotText(readFileSync(join(REPO_ROOT, cluster), 'utf8'), cluster);
  return writePlan(computePlan(parseSpec(readFileSync(join(REPO_ROOT, maint), 'utf8'), maint), snapshot, { toolVersion: 'test' })).plan;
}

function fiftyWorkloads(base: Plan): Plan {
  const wave = base.waves[0]!;
  const template = wave.actions[0]!;
  const actions = Array.from({ length: 50 }, (_, i): Action => ({ ...template, workload: { kind: 'Deployment', namespace: `team-${i % 7}`, name: `service-${i}` }, estimate: { ...template.estimate!, seconds: 5 + i * 3 } }));
  return { ...base, waves: [{ ...wave, actions, estimate: { ...wave.estimate!, moveSeconds: 152, seconds: 153 } }, { ...wave, index: 2, nodes: ['worker-2'], actions: actions.slice(0, 3) }], estimate: { ...base.estimate!, seconds: 306 } };
}

async function renderWithMermaid(sources: string[]): Promise<{ ok: boolean; svg?: string; error?: string }[]> {
  const page = await browser.page();
  await page.setContent('<!doctype html><html><body><div id="out"></div></body></html>');
  await page.addScriptTag({ path: MERMAID });
  const results = await page.evaluate(async (list) => {
    const m = (window as unknown as { mermaid: { initialize(o: object): void; parse(s: string): Promise<unknown>; render(id: string, s: string): Promise<{ svg: string }> } }).mermaid;
    m.initialize({ startOnLoad: false, securityLevel: 'strict' });
    const out: { ok: boolean; svg?: string; error?: string }[] = [];
    for (let i = 0; i < list.length; i++) {
      try {
        await m.parse(list[i]!);
        const { svg } = await m.render(`gantt${i}`, list[i]!);
        out.push({ ok: true, svg });
      } catch (e) {
        out.push({ ok: false, error: String((e as Error).message ?? e) });
      }
    }
    return out;
  }, sources);
  await page.close();
  return results;
}

describe('Mermaid gantt in the Markdown plan', () => {
  it('mermaid renders every timeline: the seed article, the example cluster, 50 workloads', async () => {
    const seed = planOf('test/fixtures/seed-article.yaml', 'test/fixtures/seed-article-maint.yaml');
    const example = planOf('examples/cluster.yaml', 'examples/demo-maint.yaml');
    const plans = [seed, example, fiftyWorkloads(seed)];
    const blocks = plans.map((p) => mermaidBlocks(renderPlanMarkdown(p)));
    expect(blocks.map((b) => b.length)).toEqual([1, 1, 1]);
    const results = await renderWithMermaid(blocks.map((b) => b[0]!));
    expect(results.map((r) => r.error)).toEqual([undefined, undefined, undefined]);
    expect(browser.outside).toEqual([]);
    // The tasks made it into the drawing, with their waves as sections.
    expect(results[0]!.svg).toContain('Deployment default/nginx');
    expect(results[1]!.svg).toContain('StatefulSet data/redis');
    expect(results[2]!.svg).toContain('more workload(s)');
    expect(results[2]!.svg).toContain('Wave 2');
    // A deliberate slip (a task without its data) is caught: the test would see it.
    const [broken] = await renderWithMermaid(['gantt\n  dateFormat YYYY-MM-DD HH:mm:ss\n  section A\n    task\n']);
    expect(broken!.ok).toBe(false);
  });
});
