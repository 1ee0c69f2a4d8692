/**
 * The CI examples, exercised:
 * - examples/ci/github-actions/sdrain-maintenance.yml: the `run:` scripts of the plan and apply
 *   jobs are executed with bash as GitHub runs them (`-eo pipefail`), with the step env the
 *   workflow declares (`${{ }}` expressions filled from a small context: secrets, inputs, step
 *   outputs; an expression the test does not know fails the test), GITHUB_OUTPUT/STEP_SUMMARY
 *   files, `sdrain` from this repository on PATH and a recording stand-in for `gh`. `uses:`
 *   steps (checkout, setup-node, artifacts) and the npm install step are not run; the artifact
 *   hand-over is a file copy. plan → Markdown comment → apply --expect-digest really runs
 *   against the simulator.
 * - examples/ci/kubernetes/apply-job.yaml: loaded with the real kubectl into the simulator with a
 *   real plan in its ConfigMap (made with the kubectl command the file documents); the plan read
 *   back from the ConfigMap verifies with `sdrain show` and matches the Job's pinned digest. The
 *   simulator runs no containers, so what the Job's container would run is
 *   emulated: the container's args and env, the plan from the ConfigMap at the mount path, and
 *   in-cluster credentials of the ServiceAccount on a simulator that enforces the roles printed
 *   by `sdrain rbac --for apply`.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { runProcess } from '../../bench/lib/run-process.js';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { cliIsBuilt, REPO_ROOT, runCli } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';
import { readPlan } from '../../src/planfile/read-plan.js';

const WORKFLOW = join(REPO_ROOT, 'examples/ci/github-actions/sdrain-maintenance.yml');
const JOB_MANIFEST = join(REPO_ROOT, 'examples/ci/kubernetes/apply-job.yaml');

interface Step {
  id?: string;
  name?: string;
  uses?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Workflow {
  env?: Record<string, string>;
  jobs: Record<string, { env?: Record<string, string>; steps: Step[] }>;
}

let dir: string;
let binDir: string;
let demoObjects: ReturnType<typeof demoCluster>['objects'];

function demo() {
  const file = join(REPO_ROOT, 'examples/cluster.yaml');
  return demoCluster(readFileSync(file, 'utf8'), file).objects;
}

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-ci-'));
  binDir = join(dir, 'bin');
  mkdirSync(binDir);
  // `npm install -g` puts exactly this on PATH: a link named after package.json "bin".
  symlinkSync(join(REPO_ROOT, 'bin/sdrain.js'), join(binDir, 'sdrain'));
  // A stand-in for the GitHub CLI: records its arguments and the body file it was given.
  writeFileSync(
    join(binDir, 'gh'),
    '#!/bin/sh\necho "$*" >> "$GH_LOG"\nwhile [ $# -gt 0 ]; do if [ "$1" = --body-file ]; then cat "$2" > "$GH_LOG.body"; fi; shift; done\n',
  );
  chmodSync(join(binDir, 'gh'), 0o755);
  demoObjects = demo();
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface StepResult {
  id: string;
  code: number | null;
  stdout: string;
  stderr: string;
}
interface JobRun {
  steps: StepResult[];
  skipped: string[];
  outputs: Record<string, Record<string, string>>;
  summary: string;
  /** The step that failed, if any (the job stops there, as on GitHub). */
  failed?: StepResult;
}

async function runBash(script: string, cwd: string, env: Record<string, string>): Promise<Omit<StepResult, 'id'>> {
  const { code, stdout, stderr } = await runProcess('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], { cwd, env, timeoutMs: 120_000, label: `step timed out\n${script}\n` });
  return { code, stdout, stderr };
}

/** Runs one job's `run:` steps in `workspace`, like a GitHub runner would. */
async function runJob(
  job: 'plan' | 'apply',
  workspace: string,
  context: Record<string, string>,
  envOverride: Record<string, string> = {},
): Promise<JobRun> {
  const wf = parse(readFileSync(WORKFLOW, 'utf8')) as Workflow;
  const runnerTemp = mkdtempSync(join(dir, 'runner-temp-'));
  const summaryFile = join(runnerTemp, 'step-summary.md');
  writeFileSync(summaryFile, '');
  const result: JobRun = { steps: [], skipped: [], outputs: {}, summary: '' };
  const expr = (value: string): string =>
    value.replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, e: string) => {
      if (e === 'runner.temp') return runnerTemp;
      const m = /^steps\.([\w-]+)\.outputs\.([\w-]+)$/.exec(e);
      if (m) return result.outputs[m[1]!]?.[m[2]!] ?? '';
      if (!(e in context)) throw new Error(`the workflow uses \${{ ${e} }}, which this test does not provide`);
      return context[e]!;
    });
  const jobDef = wf.jobs[job]!;
  for (const step of jobDef.steps) {
    const id = step.id ?? step.uses ?? step.name ?? '?';
    if (step.run === undefined || step.id === 'install-sdrain') {
      result.skipped.push(id);
      continue;
    }
    // Expressions inside a script are an injection risk: the workflow passes everything via env.
    expect(step.run, `step ${id}`).not.toContain('${{');
    const outputFile = join(runnerTemp, `output-${id}`);
    writeFileSync(outputFile, '');
    const env: Record<string, string> = {
      PATH: [binDir, dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':'),
      HOME: workspace,
      CI: 'true',
      GITHUB_OUTPUT: outputFile,
      GITHUB_STEP_SUMMARY: summaryFile,
      GH_LOG: join(workspace, 'gh.log'),
    };
    for (const [k, v] of Object.entries({ ...wf.env, ...jobDef.env, ...step.env })) env[k] = expr(String(v));
    Object.assign(env, envOverride);
    const r = { id, ...(await runBash(step.run, workspace, env)) };
    result.steps.push(r);
    result.outputs[id] = Object.fromEntries(
      readFileSync(outputFile, 'utf8')
        .split('\n')
        .filter((l) => l.includes('='))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    if (r.code !== 0) {
      result.failed = r;
      break;
    }
  }
  result.summary = readFileSync(summaryFile, 'utf8');
  return result;
}

function nodeSpec(sim: TestSim, name: string): { unschedulable?: boolean } {
  return (sim.store.get('Node', '', name)?.spec ?? {}) as { unschedulable?: boolean };
}

function workspaceWith(name: string, specText: string): string {
  const ws = join(dir, name);
  mkdirSync(join(ws, 'maintenance'), { recursive: true });
  writeFileSync(join(ws, 'maintenance/maint.yaml'), specText);
  return ws;
}

describe('GitHub Actions example workflow', () => {
  let sim: TestSim | undefined;
  beforeAll(async () => {
    sim = await startTestSim({ objects: demoObjects, podStartupMs: 300 });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('plan on pull request → Markdown comment → apply --expect-digest, against the simulator', async () => {
    const secrets = { 'secrets.KUBECONFIG_DATA': sim!.sim.kubeconfig, 'github.token': 'test-token', 'github.run_id': '4242' };
    const ws = workspaceWith('pr', readFileSync(join(REPO_ROOT, 'examples/demo-maint.yaml'), 'utf8'));
    const plan = await runJob('plan', ws, { ...secrets, 'github.event.pull_request.number': '17' });
    expect(plan.failed, plan.failed && `${plan.failed.id}: ${plan.failed.stderr}`).toBeUndefined();
    expect(plan.skipped).toEqual(['actions/checkout@v4', 'actions/setup-node@v4', 'install-sdrain', 'actions/upload-artifact@v4']);
    expect(plan.steps.map((s) => s.id)).toEqual(['kubeconfig', 'plan', 'comment', 'verdict']);

    const planFile = readPlan(readFileSync(join(ws, 'plan.json'), 'utf8'), 'plan.json');
    expect(planFile.applicable).toBe(true);
    expect(planFile.cluster.server).toBe(sim!.url);
    expect(plan.outputs.plan).toEqual({ digest: planFile.digest, status: '0' });
    // The comment: the Markdown plan, then how to apply it.
    expect(readFileSync(join(ws, 'gh.log'), 'utf8').trim()).toBe('pr comment 17 --body-file comment.md');
    const comment = readFileSync(join(ws, 'gh.log.body'), 'utf8');
    expect(comment.startsWith(readFileSync(join(ws, 'plan.md'), 'utf8'))).toBe(true);
    expect(comment).toContain('✅ applicable');
    expect(comment).toContain(`sdrain apply plan.json --expect-digest ${planFile.digest}`);
    expect(comment).toContain(`plan_run_id \`4242\` and digest \`${planFile.digest}\``);
    expect(plan.summary).toContain('## sdrain plan');
    expect(readFileSync(join(ws, 'plan.md'), 'utf8')).not.toContain('\u001b');

    // workflow_dispatch: the artifact is downloaded into a fresh workspace (here: copied).
    const applyWs = join(dir, 'apply');
    mkdirSync(applyWs);
    copyFileSync(join(ws, 'plan.json'), join(applyWs, 'plan.json'));

    // A digest that was not approved: refused before any change.
    const other = `sha256:${'0'.repeat(64)}`;
    const refused = await runJob('apply', applyWs, { ...secrets, 'inputs.plan_run_id': '4242', 'inputs.digest': other });
    expect(refused.failed?.id).toBe('apply');
    expect(refused.failed?.code).toBe(3);
    expect(refused.failed?.stderr).toContain(other);
    expect(nodeSpec(sim!, 'worker-1').unschedulable).toBeFalsy();

    const applied = await runJob('apply', applyWs, { ...secrets, 'inputs.plan_run_id': '4242', 'inputs.digest': planFile.digest });
    expect(applied.failed, applied.failed && `${applied.failed.id}: ${applied.failed.stderr}`).toBeUndefined();
    expect(applied.skipped).toEqual(['actions/setup-node@v4', 'install-sdrain', 'actions/download-artifact@v4', 'actions/upload-artifact@v4']);
    expect(nodeSpec(sim!, 'worker-1').unschedulable).toBe(true);
    const podsLeft = sim!.store.list('Pod').filter((p) => (p.spec as { nodeName?: string } | undefined)?.nodeName === 'worker-1' && !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet'));
    expect(podsLeft.map((p) => p.metadata.name)).toEqual([]);
    const events = readFileSync(join(applyWs, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(events.length).toBeGreaterThan(3);
  }, 240_000);

  it('a blocked plan is still posted, and the check fails', async () => {
    const spec = parse(readFileSync(join(REPO_ROOT, 'examples/demo-maint.yaml'), 'utf8')) as { metadata: { name: string }; spec: Record<string, unknown> };
    spec.metadata.name = 'all-workers-at-once';
    spec.spec = { nodes: { names: ['worker-1', 'worker-2', 'worker-3'] }, concurrency: 3 };
    const ws = workspaceWith('pr-blocked', stringify(spec));
    const run = await runJob('plan', ws, {
      'secrets.KUBECONFIG_DATA': sim!.sim.kubeconfig,
      'github.token': 't',
      'github.run_id': '7',
      'github.event.pull_request.number': '18',
    });
    expect(run.outputs.plan?.status).toBe('2');
    expect(readFileSync(join(ws, 'gh.log.body'), 'utf8')).toContain('⛔ BLOCKED');
    expect(run.failed?.id).toBe('verdict');
    expect(run.failed?.stdout).toContain('::error::The plan is blocked');
  }, 120_000);
});

describe('Kubernetes Job example (apply inside the cluster)', () => {
  let sim: TestSim | undefined;
  beforeAll(async () => {
    // Passive: the simulator's Job controller would otherwise start a pod that runs nothing.
    sim = await startTestSim({ objects: demoObjects, controllers: false });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('loads into the cluster with a real plan in its ConfigMap, pinned to that plan', async () => {
    const ws = join(dir, 'job');
    mkdirSync(ws);
    const planned = await runCli(['plan', '-f', join(REPO_ROOT, 'examples/demo-maint.yaml'), '--kubeconfig', sim!.kubeconfigPath, '--out', 'plan.json'], {
      cwd: ws,
      timeoutMs: 90_000,
    });
    expect(planned.code, planned.stderr).toBe(0);
    const plan = readPlan(readFileSync(join(ws, 'plan.json'), 'utf8'), 'plan.json');

    // The manifest as documented: step 2 makes the ConfigMap from the file, step 3 pins the digest.
    const docs = parseAllDocuments(readFileSync(JOB_MANIFEST, 'utf8')).map((d) => d.toJSON() as { kind: string; metadata: { name: string; namespace: string }; spec?: any; data?: Record<string, string> });
    expect(docs.map((d) => `${d.kind}/${d.metadata.namespace}/${d.metadata.name}`)).toEqual(['ServiceAccount/kube-system/sdrain', 'ConfigMap/kube-system/sdrain-plan', 'Job/kube-system/sdrain-apply']);
    const job = docs[2]!;
    const pod = job.spec.template.spec;
    expect(pod.serviceAccountName).toBe('sdrain');
    const args = pod.containers[0].args as string[];
    expect(args.slice(0, 3)).toEqual(['apply', '/plan/plan.json', '--expect-digest']);
    expect(pod.volumes[0].configMap.name).toBe('sdrain-plan');
    expect(pod.containers[0].volumeMounts[0].mountPath).toBe('/plan');
    args[3] = plan.digest;
    const manifest = [docs[0], job].map((d) => stringify(d)).join('---\n');

    const cm = await sim!.kubectl(['-n', 'kube-system', 'create', 'configmap', 'sdrain-plan', `--from-file=plan.json=${join(ws, 'plan.json')}`, '--dry-run=client', '-o', 'yaml']);
    expect(cm.code, cm.stderr).toBe(0);
    // The simulator serves no OpenAPI document, so kubectl cannot validate client-side.
    const applied = await sim!.kubectl(['apply', '--validate=false', '-f', '-'], { input: `${cm.stdout}\n---\n${manifest}` });
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stdout).toContain('serviceaccount/sdrain created');
    expect(applied.stdout).toContain('configmap/sdrain-plan created');
    expect(applied.stdout).toContain('job.batch/sdrain-apply created');

    const got = await sim!.kubectl(['-n', 'kube-system', 'get', 'job', 'sdrain-apply', '-o', 'json']);
    expect(got.code, got.stderr).toBe(0);
    const stored = JSON.parse(got.stdout);
    expect(stored.spec.template.spec.containers[0].args).toEqual(['apply', '/plan/plan.json', '--expect-digest', plan.digest]);
    expect(stored.spec.podFailurePolicy.rules[0].onExitCodes.values).toEqual([3]);

    // What the pod would read at /plan/plan.json: the same plan, intact.
    const data = await sim!.kubectl(['-n', 'kube-system', 'get', 'configmap', 'sdrain-plan', '-o', 'jsonpath={.data.plan\\.json}']);
    expect(data.code, data.stderr).toBe(0);
    mkdirSync(join(ws, 'mounted'));
    writeFileSync(join(ws, 'mounted/plan.json'), data.stdout);
    const shown = await runCli(['show', 'mounted/plan.json', '-o', 'json'], { cwd: ws });
    expect(shown.code, shown.stderr).toBe(0);
    expect(JSON.parse(shown.stdout).digest).toBe(plan.digest);
    expect(existsSync(join(ws, 'mounted/plan.json'))).toBe(true);
  }, 120_000);
});

describe('Kubernetes Job example: what its pod runs, emulated against an RBAC-enforcing simulator', () => {
  let sim: TestSim | undefined;
  beforeAll(async () => {
    sim = await startTestSim({ objects: demoObjects, podStartupMs: 300, rbac: true });
  });
  afterAll(async () => {
    await sim?.stop();
  });

  it('the Job container command, as ServiceAccount kube-system/sdrain with `sdrain rbac --for apply`, applies the plan from the ConfigMap', async () => {
    const ws = join(dir, 'job-run');
    mkdirSync(ws);
    // 1. Roles, as the manifest says: sdrain rbac --for apply | kubectl apply -f -
    const rbac = await runCli(['rbac', '--for', 'apply'], { cwd: ws });
    expect(rbac.code, rbac.stderr).toBe(0);
    const roles = await sim!.kubectl(['apply', '--validate=false', '-f', '-'], { input: rbac.stdout });
    expect(roles.code, roles.stderr).toBe(0);

    // 2. The manifest's ServiceAccount. The Job object itself is loaded by the test above; here
    //    its pod is emulated below (the simulator would run a Job pod to completion, whose
    //    requests would then change the free capacity the plan recorded).
    const docs = parseAllDocuments(readFileSync(JOB_MANIFEST, 'utf8')).map((d) => d.toJSON() as { kind: string; spec?: any });
    const job = docs.find((d) => d.kind === 'Job')!;
    const loaded = await sim!.kubectl(['apply', '--validate=false', '-f', '-'], { input: stringify(docs.find((d) => d.kind === 'ServiceAccount')) });
    expect(loaded.code, loaded.stderr).toBe(0);

    // 3. Plan (as the admin, e.g. in CI), then the ConfigMap and the pinned digest.
    const planned = await runCli(['plan', '-f', join(REPO_ROOT, 'examples/demo-maint.yaml'), '--kubeconfig', sim!.kubeconfigPath, '--out', 'plan.json'], { cwd: ws, timeoutMs: 90_000 });
    expect(planned.code, planned.stderr).toBe(0);
    const plan = readPlan(readFileSync(join(ws, 'plan.json'), 'utf8'), 'plan.json');
    const cm = await sim!.kubectl(['-n', 'kube-system', 'create', 'configmap', 'sdrain-plan', `--from-file=plan.json=${join(ws, 'plan.json')}`, '--dry-run=client', '-o', 'yaml']);
    expect((await sim!.kubectl(['apply', '--validate=false', '-f', '-'], { input: cm.stdout })).code).toBe(0);

    // 4. The pod: /plan from the ConfigMap, in-cluster credentials of its ServiceAccount, the
    //    container's args (with the digest pinned) and env.
    const mounted = await sim!.kubectl(['-n', 'kube-system', 'get', 'configmap', 'sdrain-plan', '-o', 'jsonpath={.data.plan\\.json}']);
    mkdirSync(join(ws, 'plan'));
    writeFileSync(join(ws, 'plan/plan.json'), mounted.stdout);
    const sa = join(ws, 'serviceaccount');
    mkdirSync(sa);
    writeFileSync(join(sa, 'token'), sim!.sim.credentials({ serviceAccount: 'kube-system/sdrain' }).token);
    writeFileSync(join(sa, 'ca.crt'), sim!.sim.caPem);
    const container = job.spec.template.spec.containers[0] as { args: string[]; env: { name: string; value: string }[] };
    const args = container.args.map((a) => (a === '/plan/plan.json' ? join(ws, 'plan/plan.json') : a.startsWith('sha256:') ? plan.digest : a));
    const url = new URL(sim!.url);
    const home = join(ws, 'home');
    mkdirSync(home);
    const env = {
      HOME: home,
      KUBERNETES_SERVICE_HOST: url.hostname,
      KUBERNETES_SERVICE_PORT: url.port,
      SDRAIN_SERVICEACCOUNT_DIR: sa,
      ...Object.fromEntries(container.env.map((e) => [e.name, e.value])),
    };
    const run = await runCli(args, { cwd: home, env, timeoutMs: 180_000 });
    expect(run.code, run.stderr).toBe(0);
    expect(nodeSpec(sim!, 'worker-1').unschedulable).toBe(true);
    expect(run.stderr).not.toContain('\u001b');
  }, 240_000);
});
