/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The apply report of a real apply on the simulator, in a real browser: headless Chromium loads
 * the HTML file offline, takes a screenshot, and the page's lanes, workloads, floors and the dip
 * marker are checked through the DOM. SDRAIN_UPDATE_SCREENSHOT=1 keeps the screenshot as
 * docs/apply-report.png (the one the README shows).
 */
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderApplyReport } from '../../src/render/apply-report.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { recordApplyWithDisruption, type RecordedApply } from '../report/recorded-apply.js';
import { launchChromium, type Browser } from './chromium.js';

let run: RecordedApply;
let browser: Browser;
const dir = mkdtempSync(join(tmpdir(), 'sdrain-browser-'));

beforeAll(async () => {
  [run, browser] = await Promise.all([recordApplyWithDisruption(), launchChromium()]);
});
afterAll(async () => {
  await browser?.close();
  await run?.sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('apply report in Chromium', () => {
  it('renders offline: lanes, workloads, floors, steps and the dip below the floor', async () => {
    expect(run.result.status).toBe('done');
    const file = join(dir, 'report.html');
    writeFileSync(file, renderApplyReport(run.events, run.plan, { toolVersion: 'test' }));
    const page = await browser.page();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    await page.goto(pathToFileURL(file).href);

    const shot = join(dir, 'report.png');
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    expect(readFileSync(shot).subarray(1, 4).toString()).toBe('PNG');
    if (process.env.SDRAIN_UPDATE_SCREENSHOT === '1') copyFileSync(shot, join(REPO_ROOT, 'docs/apply-report.png'));

    const dom = await page.evaluate(() => {
      const lanes = [...document.querySelectorAll<SVGGElement>('[data-lane]')].map((g): Record<string, string | undefined> => ({ ...g.dataset, height: String(g.getBoundingClientRect().height) }));
      const dip = document.querySelector<SVGTextElement>('g.dip-group text.dip-marker');
      const dipRect = document.querySelector<SVGRectElement>('rect.dip');
      const floor = document.querySelector<SVGLineElement>('[data-workload="Deployment default/nginx"] .floor-line');
      return {
        title: document.title,
        outcome: document.querySelector<HTMLElement>('[data-outcome]')?.dataset.outcome,
        lanes,
        dipText: dip?.textContent ?? null,
        dipBox: dip ? dip.getBoundingClientRect().width : 0,
        dipFill: dipRect ? getComputedStyle(dipRect).fill : null,
        dipWidth: dipRect ? dipRect.getBoundingClientRect().width : 0,
        floorStroke: floor ? getComputedStyle(floor).stroke : null,
        steps: [...document.querySelectorAll<SVGLineElement>('[data-step]')].map((l) => l.dataset.step),
        belowCell: document.querySelector('td.below')?.textContent ?? null,
        scripts: document.scripts.length,
      };
    });
    expect(errors).toEqual([]);
    expect(browser.outside).toEqual([]);
    expect(dom.scripts).toBe(0);
    expect(dom.title).toContain('sdrain apply report');
    expect(dom.outcome).toBe('done');
    expect(dom.lanes.filter((l) => l.lane === 'wave').map((l) => l.wave)).toEqual(['1']);
    expect(dom.lanes.find((l) => l.lane === 'node' && l.node === 'worker-1')).toMatchObject({ cordoned: 'true', uncordoned: 'true' });
    const workloads = dom.lanes.filter((l) => l.lane === 'workload');
    expect(workloads.map((l) => l.workload).sort()).toEqual(run.plan.waves[0]!.actions.map((a) => `${a.workload.kind} ${a.workload.namespace}/${a.workload.name}`).sort());
    expect(workloads.every((l) => Number(l.height) > 40)).toBe(true);
    expect(workloads.find((l) => l.workload === 'Deployment default/nginx')).toMatchObject({ floor: '3', full: '3', belowFloor: 'true', minReady: '2', method: 'surge' });
    expect(dom.dipText).toMatch(/▼ below floor: 2\/3 for \d+s/);
    expect(dom.dipBox).toBeGreaterThan(50);
    expect(dom.dipWidth).toBeGreaterThanOrEqual(3);
    expect(dom.dipFill).toBe('rgb(207, 34, 46)');
    expect(dom.floorStroke).toBe('rgb(207, 34, 46)');
    expect(dom.steps).toEqual(expect.arrayContaining(['scale-up', 'scale-back']));
    expect(dom.belowCell).toBe('2 (below floor)');
    await page.close();
  });
});
