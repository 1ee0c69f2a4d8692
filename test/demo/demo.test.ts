/**
 * End-to-end: `sdrain demo` as a newcomer runs it (CI=true, no TTY, no stdin), with TMPDIR
 * pointing at a private directory so its plan file and kubeconfig are checked and removed.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { readPlan } from '../../src/planfile/read-plan.js';

let dir: string;

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-demo-test-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The report row of a workload: its cells, trimmed. */
function row(stdout: string, workload: string): string[] {
  const line = stdout.split('\n').find((l) => l.includes(`│ ${workload} `) && /\d+\/\d+ \(\w+\)/.test(l));
  if (!line) throw new Error(`no report row for ${workload} in:\n${stdout}`);
  return line.split('│').slice(1, -1).map((c) => c.trim());
}

describe('sdrain demo', () => {
  it('plans, applies and shows sdrain keeping nginx at 3/3 where plain eviction drops it', async () => {
    const started = Date.now();
    const r = await runCli(['demo'], { cwd: REPO_ROOT, env: { CI: 'true', TMPDIR: dir }, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`exit ${r.code}\nstdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
    expect(Date.now() - started).toBeLessThan(90_000);

    // The plan was computed live, shown as a table, applied with plain progress lines.
    expect(r.stderr).toContain('Reading cluster https://127.0.0.1:');
    expect(r.stdout).toContain('Plan "demo-drain-worker-1"');
    expect(r.stdout).toMatch(/Applied plan sha256:[0-9a-f]{64}/);
    expect(r.stderr).toMatch(/^\S+Z wave 1: done in/m);
    expect(r.stdout).toContain('Left out of the demo: Deployment shop/license-server');
    expect(r.stdout).not.toMatch(/\u001b\[/);

    // The availability report: sdrain holds the plan's floor; plain eviction is measured, not assumed.
    const nginx = row(r.stdout, 'Deployment default/nginx');
    expect(nginx.slice(0, 4)).toEqual(['Deployment default/nginx', '3', '3/3', '3/3 (surge)']);
    expect(nginx[4]).toBe('1/3');
    const redis = row(r.stdout, 'StatefulSet data/redis');
    expect(redis[2]).toBe('2/3');
    expect(redis[3]).toBe('2/3 (evict)');
    for (const w of ['Deployment shop/api', 'Deployment shop/legacy-billing']) {
      const cells = row(r.stdout, w);
      const [sdrainMin] = cells[3]!.split(' ');
      expect(sdrainMin).toBe(`${cells[1]}/${cells[1]}`);
      expect(Number(cells[4]!.split('/')[0])).toBeLessThan(Number(cells[1]));
    }
    expect(r.stdout).toContain('Deployment default/nginx: stayed at 3/3 with sdrain; plain eviction dropped it to 1/3.');
    expect(r.stdout).toMatch(/Plain eviction: 5 pod\(s\) evicted, \d+ retried after 429, 0 still refused; all workloads ready again/);

    // Where the files are, and that they are what they claim.
    const planFile = /^Plan file: +(\S+)$/m.exec(r.stdout)?.[1];
    const kubeconfig = /^Kubeconfig: +(\S+)$/m.exec(r.stdout)?.[1];
    expect(planFile?.startsWith(dir)).toBe(true);
    expect(kubeconfig?.startsWith(dir)).toBe(true);
    const plan = readPlan(readFileSync(planFile!, 'utf8'), planFile!);
    expect(plan.applicable).toBe(true);
    expect(plan.waves.map((w) => w.nodes)).toEqual([['worker-1']]);
    expect(existsSync(kubeconfig!)).toBe(true);
    expect(statSync(kubeconfig!).mode & 0o077).toBe(0);
  }, 150_000);
});
