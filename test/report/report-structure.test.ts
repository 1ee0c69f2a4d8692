/**
 * The HTML report of a real apply on the simulator, checked without a browser (the browser
 * tier, test/browser, renders it in Chromium): self-contained, one lane per wave, node and
 * workload with the data a reader needs, the dip below the floor someone else's disruption
 * caused, the method's steps, estimate vs actual; and the NDJSON events validate against
 * schemas/apply-events.schema.json and give the same report when read back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { schemaAjv } from '../../src/spec/schema-diagnostics.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildReportModel, dipsBelowFloor } from '../../src/render/apply-report-model.js';
import { renderApplyReport } from '../../src/render/apply-report.js';
import { formatEventNdjson } from '../../src/render/apply-events-ndjson.js';
import { parseEventsNdjson } from '../../src/render/parse-events-ndjson.js';
import { REPO_ROOT, runCli } from '../helpers/cli.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { recordApplyWithDisruption, type RecordedApply } from './recorded-apply.js';


let run: RecordedApply;
beforeAll(async () => {
  run = await recordApplyWithDisruption();
}, 60_000);
afterAll(async () => {
  await run?.sim.stop();
});

/** The opening tag of the element carrying `attr`. */
function tagWith(html: string, attr: string): string {
  const i = html.indexOf(attr);
  expect(i, `missing ${attr}`).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<', i), html.indexOf('>', i) + 1);
}

describe('apply report (HTML structure, no browser)', () => {
  it('the apply itself finished, and someone else took nginx below its floor meanwhile', () => {
    expect(run.result.error?.message).toBeUndefined();
    expect(run.result.status).toBe('done');
    expect(run.disrupted).toBeDefined();
    const nginx = buildReportModel(run.events, run.plan).workloads.find((w) => w.ref.name === 'nginx')!;
    expect(nginx.floor).toBe(3);
    expect(dipsBelowFloor(nginx, Infinity).length).toBeGreaterThan(0);
  });

  it('is self-contained: no script, no stylesheet or image links, no URL but the SVG namespace', () => {
    const html = renderApplyReport(run.events, run.plan);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\ssrc=|url\(/i);
    expect(html.match(/https?:\/\/[^\s"'<]+/g)).toEqual(['http://www.w3.org/2000/svg']);
    expect(html).toContain('<style>');
    expect(html).toContain('<svg ');
  });

  it('draws lanes for the wave, the node and each workload, with floors, steps and estimates', () => {
    const html = renderApplyReport(run.events, run.plan);
    expect(tagWith(html, 'data-lane="wave"')).toMatch(/data-wave="1" data-status="done" data-actual-ms="\d+" data-estimate-seconds="[\d.]+"/);
    const node = tagWith(html, 'data-node="worker-1"');
    expect(node).toContain('data-cordoned="true"');
    expect(node).toContain('data-uncordoned="true"');
    const nginx = tagWith(html, 'data-workload="Deployment default/nginx"');
    expect(nginx).toMatch(/data-method="surge" data-floor="3" data-full="3" data-status="done" data-min-ready="2" data-below-floor="true"/);
    expect(html).toContain('class="dip-marker"');
    expect(html).toMatch(/▼ below floor: 2\/3 for \d+s/);
    expect(html).toContain('data-step="scale-up"');
    expect(html).toContain('data-step="scale-back"');
    expect(html).toContain('data-after-each="0"');
    expect(html).toMatch(/<tr data-workload="Deployment default\/nginx">.*<td class="num below">2 \(below floor\)<\/td>/);
  });

  it('events are NDJSON valid against the published schema, and read back give the same report', () => {
    const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/apply-events.schema.json'), 'utf8'));
    // The same ajv set-up (formats, strict mode) the maintenance schema is compiled with.
    const ajv = schemaAjv();
    const validate = ajv.compile(schema);
    const text = run.events.map(formatEventNdjson).join('');
    for (const line of text.trim().split('\n')) {
      const ok = validate(JSON.parse(line));
      expect(ok, `${line}\n${JSON.stringify(validate.errors)}`).toBe(true);
    }
    const types = new Set(run.events.map((e) => e.type));
    for (const t of ['start', 'wave-start', 'node-cordoned', 'workload-start', 'workload-step', 'workload-progress', 'workload-done', 'after-each-done', 'node-uncordoned', 'wave-done', 'done']) expect(types).toContain(t);
    const back = parseEventsNdjson(text);
    expect(back.problems).toEqual([]);
    expect(renderApplyReport(back.events, run.plan)).toBe(renderApplyReport(run.events, run.plan));
  });

  it('a failed apply shows where it stopped and the workloads it never reached', () => {
    const cut = run.events.findIndex((e) => e.type === 'workload-done');
    const events = [...run.events.slice(0, cut), { type: 'failed' as const, at: run.events[cut]!.at, message: 'Cannot move Deployment "default/nginx": boom' }];
    const html = renderApplyReport(events, run.plan);
    expect(html).toContain('data-outcome="failed"');
    expect(html).toContain('data-stop="failed"');
    expect(html).toContain('stopped here (failed)');
    expect(tagWith(html, 'data-lane="wave"')).toContain('data-status="failed"');
  });

  it('bad NDJSON lines are reported with their numbers; unknown event types are skipped', () => {
    const r = parseEventsNdjson('{"type":"start","time":"2026-01-01T00:00:00.000Z","digest":"d","waves":1,"nodes":1}\nnot json\n{"type":"future-thing","time":"2026-01-01T00:00:01.000Z"}\n{"type":"done"}\n');
    expect(r.events.map((e) => e.type)).toEqual(['start']);
    expect(r.problems).toEqual(['line 2: not JSON', 'line 4: "time" must be an RFC 3339 date-time']);
  });

  it('sdrain report EVENTS --plan PLAN --out FILE writes the same report and prints its path (exit 0); bad input exits 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-report-'));
    try {
      writeFileSync(join(dir, 'events.ndjson'), run.events.map(formatEventNdjson).join(''));
      writeFileSync(join(dir, 'plan.json'), writePlan(run.plan).text);
      const r = await runCli(['report', 'events.ndjson', '--plan', 'plan.json', '--out', 'report.html'], { cwd: dir });
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(`${join(dir, 'report.html')}\n`);
      const html = readFileSync(join(dir, 'report.html'), 'utf8');
      expect(html).toContain('data-workload="Deployment default/nginx"');
      expect(html).toContain('Written by sdrain');
      writeFileSync(join(dir, 'bad.ndjson'), 'nope\n');
      const bad = await runCli(['report', 'bad.ndjson'], { cwd: dir });
      expect(bad.code).toBe(1);
      expect(bad.stderr).toMatch(/Cannot read events file bad.ndjson: 1 bad line\(s\): line 1: not JSON/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
