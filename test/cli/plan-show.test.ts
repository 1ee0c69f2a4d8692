/**
 * End-to-end: the built binary plans from snapshot files, writes and re-reads plan files, and
 * exits 0 (applicable), 2 (blocked, plan still written) or 1 (no plan). Needs `npx tsc -p
 * tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, copyFileSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer } from 'node:net';
import { runCli, cliIsBuilt, REPO_ROOT, type CliResult } from '../helpers/cli.js';
import { readPlan } from '../../src/planfile/read-plan.js';

const FIXTURES = join(REPO_ROOT, 'test/cli/fixtures');
let dir: string;
/** stdout of the first `plan` run; `show` must print exactly the same. */
let okTableOutput = '';

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-cli-'));
  for (const f of ['cluster.json', 'drain-ok.yaml', 'drain-blocked.yaml', 'bad-spec.yaml']) copyFileSync(join(FIXTURES, f), join(dir, f));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });

function noStack(r: CliResult): void {
  expect(r.stderr).not.toMatch(/^\s+at .+\(.+:\d+:\d+\)$/m);
  expect(r.stderr).not.toContain('node:internal');
}

describe('sdrain plan (snapshot file)', () => {
  it('exit 0: writes a verifiable, deterministic plan file and prints the table', async () => {
    const r = await run(['plan', '-f', 'drain-ok.yaml', '--snapshot', 'cluster.json', '--out', 'ok.json']);
    expect(r.stderr).toMatch(/^Plan written to ok\.json \(digest sha256:[0-9a-f]{64}\)\.$/m);
    expect(r.code).toBe(0);
    const text = readFileSync(join(dir, 'ok.json'), 'utf8');
    const plan = readPlan(text, 'ok.json');
    expect(plan.applicable).toBe(true);
    expect(plan.waves[0]!.nodes).toEqual(['node-a']);
    expect(text).not.toContain(dir);
    expect(r.stdout).toContain('Wave 1: node-a');
    expect(r.stdout).toContain('shop/web');
    expect(r.stdout).toContain(`Digest: ${plan.digest}`);
    expect(r.stdout).not.toContain('\u001b[');
    okTableOutput = r.stdout;

    const again = await run(['plan', '-f', 'drain-ok.yaml', '--snapshot', 'cluster.json', '--out', 'ok2.json', '-o', 'json']);
    expect(again.code).toBe(0);
    expect(readFileSync(join(dir, 'ok2.json'), 'utf8')).toBe(text);
    expect(again.stdout).toBe(text);
  });

  it('exit 2: a blocked plan is still written, with the reason on stdout and stderr', async () => {
    const r = await run(['plan', '-f', 'drain-blocked.yaml', '--snapshot', 'cluster.json', '--out', 'blocked.json', '-o', 'markdown']);
    expect(r.code).toBe(2);
    const plan = readPlan(readFileSync(join(dir, 'blocked.json'), 'utf8'), 'blocked.json');
    expect(plan.applicable).toBe(false);
    const errors = plan.findings.filter((f) => f.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(r.stdout.split('\n')[0]).toBe('## sdrain plan `patch-node-c`: ⛔ BLOCKED');
    for (const f of errors) expect(r.stdout).toContain(`\`${f.code}\``);
    expect(r.stderr).toMatch(/blocked by \d+ error finding/);
  });

  it('exit 1: a bad spec prints file:line:column and the field, and writes no plan', async () => {
    const r = await run(['plan', '-f', 'bad-spec.yaml', '--snapshot', 'cluster.json', '--out', 'bad.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad-spec\.yaml:8:\d+: field spec\.concurrency/);
    expect(r.stdout).toBe('');
    expect(existsSync(join(dir, 'bad.json'))).toBe(false);
    noStack(r);
  });

  it('exit 1: missing files and conflicting options are explained', async () => {
    const [missing, both] = await Promise.all([
      run(['plan', '-f', 'drain-ok.yaml', '--snapshot', 'nope.json']),
      run(['plan', '-f', 'drain-ok.yaml', '--snapshot', 'cluster.json', '--context', 'x']),
    ]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('Cannot read cluster snapshot nope.json: no such file');
    expect(both.code).toBe(1);
    expect(both.stderr).toContain('Cannot combine --snapshot with --kubeconfig or --context');
    noStack(missing);
  });

  it('exit 1: a plan file that cannot be written says why (a write failure, not bad input)', async () => {
    const r = await run(['plan', '-f', 'drain-ok.yaml', '--snapshot', 'cluster.json', '--out', 'no-such-dir/plan.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('error: Cannot write plan file no-such-dir/plan.json: no such file or directory (ENOENT)');
    expect(r.stderr).toContain('hint: Create the directory first, or pass another path.');
    expect(r.stderr).not.toContain(dir);
    noStack(r);
  });

  it('exit 1: an unreachable cluster gives a clear error and no plan file', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    writeFileSync(
      join(dir, 'dead.kubeconfig'),
      `apiVersion: v1\nkind: Config\ncurrent-context: dead\nclusters:\n- name: dead\n  cluster:\n    server: http://127.0.0.1:${port}\n    insecure-skip-tls-verify: true\nusers:\n- name: dead\n  user:\n    token: do-not-print-me\ncontexts:\n- name: dead\n  context: {cluster: dead, user: dead}\n`,
    );
    const r = await run(['plan', '-f', 'drain-ok.yaml', '--kubeconfig', 'dead.kubeconfig', '--out', 'dead.json']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot reach the API server (connection refused)');
    expect(r.stderr).not.toContain('do-not-print-me');
    expect(existsSync(join(dir, 'dead.json'))).toBe(false);
    noStack(r);
  });
});

describe('sdrain plan (shared fixtures)', () => {
  it('seed article: one wave, nginx surged, exit 0', async () => {
    const r = await runCli(['plan', '-f', 'test/fixtures/seed-article-maint.yaml', '--snapshot', 'test/fixtures/seed-article.yaml', '--out', join(dir, 'seed.json')], { cwd: REPO_ROOT });
    expect(r.code).toBe(0);
    const plan = readPlan(readFileSync(join(dir, 'seed.json'), 'utf8'), 'seed.json');
    expect(plan.waves.map((w) => w.nodes)).toEqual([['worker-1']]);
    expect(plan.waves[0]!.actions.map((a) => `${a.workload.kind} ${a.workload.namespace}/${a.workload.name}`)).toContain('Deployment default/nginx');
    expect(r.stdout).toMatch(/Deployment default\/nginx\s+│ surge/);
  });

  it('examples: blocked by the pinned license server, exit 2, finding and hint shown', async () => {
    const r = await runCli(['plan', '-f', 'examples/maint.yaml', '--cluster', 'examples/cluster.yaml', '--out', join(dir, 'example.json')], { cwd: REPO_ROOT });
    expect(r.code).toBe(2);
    const plan = readPlan(readFileSync(join(dir, 'example.json'), 'utf8'), 'example.json');
    const unplaceable = plan.findings.find((f) => f.code === 'UNPLACEABLE');
    expect(unplaceable).toMatchObject({ severity: 'error', object: { kind: 'Deployment', namespace: 'shop', name: 'license-server' } });
    expect(r.stdout).toContain('ERROR   UNPLACEABLE (wave 1, node "worker-1", Deployment "shop/license-server")');
    expect(r.stdout).toContain(`→ ${unplaceable!.hint}`);
    expect(r.stdout).toMatch(/BLOCKED by error findings\nDigest: sha256:/);
  });
});

describe('sdrain show', () => {
  it('renders a saved plan as table, json and markdown from the same data', async () => {
    const text = readFileSync(join(dir, 'ok.json'), 'utf8');
    const [table, json, md] = await Promise.all([run(['show', 'ok.json']), run(['show', 'ok.json', '-o', 'json']), run(['show', 'ok.json', '-o', 'markdown'])]);
    expect(table.code).toBe(0);
    expect(table.stdout).toBe(okTableOutput);
    expect(json.stdout).toBe(text);
    expect(md.code).toBe(0);
    const plan = readPlan(text, 'ok.json');
    expect(md.stdout.split('\n')[0]).toBe('## sdrain plan `patch-node-a`: ✅ applicable');
    expect(md.stdout).toContain(`--expect-digest ${plan.digest}\``);
  });

  it('refuses an edited plan (exit 3) and an unreadable one (exit 1)', async () => {
    const text = readFileSync(join(dir, 'ok.json'), 'utf8');
    writeFileSync(join(dir, 'edit.json'), text.replace('"concurrency": 1', '"concurrency": 2'));
    writeFileSync(join(dir, 'broken.json'), text.slice(0, 200));
    const [r, broken] = await Promise.all([run(['show', 'edit.json']), run(['show', 'broken.json'])]);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/Plan file edit\.json was modified after it was written: digest sha256:[0-9a-f]+ does not match the recorded sha256:[0-9a-f]+/);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/broken\.json:\d+:\d+: /);
    noStack(broken);
  });
});
