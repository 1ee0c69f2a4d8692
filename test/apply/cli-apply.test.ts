/**
 * `sdrain apply` as a user runs it (the built binary, no TTY) against the simulator: refusals
 * exit 3 and change nothing; two applies at once → one waits/refuses naming the lock; kill -9
 * mid-apply then apply again completes without breaking the floor across both runs; a workload
 * that never becomes ready fails with exit 1 after its timeout and an accurate summary.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Deployment, Lease, Node, Pod } from '../../src/model/k8s.js';
import { cliIsBuilt, runCli, SDRAIN_BIN } from '../helpers/cli.js';
import { startTestSim, type TestSim, untilStore } from '../helpers/sim.js';
import { SEED, SEED_MAINT, observeReady } from './apply-harness.js';

/** Each test runs the binary several times; on a loaded 2-core machine one start takes seconds. */
const CLI_TEST_TIMEOUT = 240_000;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('build first: npx tsc -p tsconfig.build.json');
});

interface Env {
  sim: TestSim;
  dir: string;
  kubeconfig: string;
}

async function setup(opts: { yaml?: string; podStartupMs: number; specExtra?: string }): Promise<Env> {
  const sim = await startTestSim(opts.yaml !== undefined ? { yaml: opts.yaml, podStartupMs: opts.podStartupMs } : { file: SEED, podStartupMs: opts.podStartupMs });
  const dir = mkdtempSync(join(tmpdir(), 'sdrain-apply-cli-'));
  cleanups.push(async () => {
    await sim.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  writeFileSync(join(dir, 'maint.yaml'), readFileSync(SEED_MAINT, 'utf8') + (opts.specExtra ?? ''));
  const env = { sim, dir, kubeconfig: sim.kubeconfigPath };
  const res = await sdrain(env, ['plan', '-f', 'maint.yaml', '--kubeconfig', env.kubeconfig, '--out', 'plan.json', '-o', 'json']);
  expect(res.code, res.stderr).toBe(0);
  return env;
}

function sdrain(env: Env, args: string[], timeoutMs = 90_000) {
  return runCli(args, { cwd: env.dir, timeoutMs });
}

/** A background `sdrain apply`, killed at cleanup if still running. */
function startApply(env: Env, args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }> } {
  const child = spawn(process.execPath, [SDRAIN_BIN, 'apply', 'plan.json', '--kubeconfig', env.kubeconfig, ...args], {
    cwd: env.dir,
    env: { PATH: process.env.PATH, HOME: env.dir, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string; stdout: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stderr, stdout })),
  );
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, done };
}


function worker1(env: Env): Node | undefined {
  return env.sim.store.get<Node>('Node', undefined, 'worker-1');
}

describe('sdrain apply (CLI)', () => {
  it('refuses an edited plan file, a wrong --expect-digest and drift with exit 3, changing nothing', async () => {
    const env = await setup({ podStartupMs: 300 });
    const planText = readFileSync(join(env.dir, 'plan.json'), 'utf8');
    const digest = (JSON.parse(planText) as { digest: string }).digest;

    writeFileSync(join(env.dir, 'edited.json'), planText.replace('"expectedMinReady": 3', '"expectedMinReady": 2'));
    expect(readFileSync(join(env.dir, 'edited.json'), 'utf8')).not.toBe(planText);
    const edited = await sdrain(env, ['apply', 'edited.json', '--kubeconfig', env.kubeconfig]);
    expect(edited.code).toBe(3);
    expect(edited.stderr).toMatch(/modified after it was written/);

    const wrong = await sdrain(env, ['apply', 'plan.json', '--kubeconfig', env.kubeconfig, '--expect-digest', `sha256:${'0'.repeat(64)}`]);
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain(digest);

    const scaled = await env.sim.kubectl(['scale', 'deployment/nginx', '--replicas=4', '-n', 'default']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const drift = await sdrain(env, ['apply', 'plan.json', '--kubeconfig', env.kubeconfig, '--expect-digest', digest]);
    expect(drift.code).toBe(3);
    expect(drift.stderr).toMatch(/the cluster changed since the plan was made/);
    expect(drift.stderr).toMatch(/^-fingerprint\.workloads\["Deployment\/default\/nginx"\]\.replicas = 3$/m);
    expect(drift.stderr).toMatch(/^\+fingerprint\.workloads\["Deployment\/default\/nginx"\]\.replicas = 4$/m);
    expect(worker1(env)?.spec?.unschedulable).toBeFalsy();
    expect(env.sim.store.get<Deployment>('Deployment', 'default', 'nginx')?.metadata.annotations?.['sdrain.io/plan-digest']).toBeUndefined();
  }, CLI_TEST_TIMEOUT);

  it('two applies at once: one proceeds, one refuses naming the holder, one waits for the lock (then finds it applied); afterEach runs per node', async () => {
    // afterEach blocks until the test creates the file "gate", so the first apply holds the lock for as long as the test needs.
    const env = await setup({
      podStartupMs: 300,
      specExtra: '  afterEach:\n    command: ["sh", "-c", "while [ ! -e gate ]; do sleep 0.1; done; echo patched $SDRAIN_NODE"]\n    uncordon: false\n',
    });
    const first = startApply(env, []);
    await untilStore(
      env.sim,
      () => worker1(env)?.spec?.unschedulable === true && !env.sim.store.list<Pod>('Pod', { namespace: 'default' }).some((p) => p.spec.nodeName === 'worker-1'),
      60_000,
      'the first apply to empty worker-1',
    );
    expect(env.sim.store.get<Lease>('Lease', 'kube-system', 'sdrain-apply')?.spec?.holderIdentity).toMatch(/pid-\d+/);
    const refused = await sdrain(env, ['apply', 'plan.json', '--kubeconfig', env.kubeconfig, '--lock-timeout', '1s']);
    expect(refused.code, refused.stderr).toBe(3);
    expect(refused.stderr).toMatch(/another apply holds the lock Lease "kube-system\/sdrain-apply": ".*pid-\d+.*" applying plan sha256:/);
    expect(refused.stderr).toMatch(/sdrain unlock/);
    const waiter = startApply(env, ['--lock-timeout', '90s']);
    await new Promise<void>((resolve) => {
      const onData = (d: string) => {
        if (!/lock|applying plan/.test(d)) return;
        waiter.child.stderr!.off('data', onData);
        resolve();
      };
      waiter.child.stderr!.on('data', onData);
    });
    writeFileSync(join(env.dir, 'gate'), '');
    const r1 = await first.done;
    expect(r1.code, r1.stderr).toBe(0);
    expect(r1.stdout).toMatch(/Applied plan sha256:/);
    expect(r1.stderr).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ wave 1: node worker-1 cordoned$/m);
    expect(r1.stderr).toMatch(/node worker-1 stdout: patched worker-1/);
    const r2 = await waiter.done;
    expect(r2.code, r2.stderr).toBe(0);
    expect(r2.stdout).toMatch(/already fully applied/);

    expect(worker1(env)?.spec?.unschedulable).toBe(true);
    const unc = await sdrain(env, ['uncordon', 'plan.json', '--kubeconfig', env.kubeconfig]);
    expect(unc.code, unc.stderr).toBe(0);
    expect(unc.stdout).toContain('node/worker-1 uncordoned');
    expect(worker1(env)?.spec?.unschedulable).toBeFalsy();
  }, CLI_TEST_TIMEOUT);

  it('kill -9 in the middle of a surge, then apply again: completes, nginx never below 3 ready across both runs', async () => {
    const env = await setup({ podStartupMs: 2500 });
    const observer = observeReady(env.sim, 'default', 'nginx');
    cleanups.push(() => observer.stop());
    const first = startApply(env, ['--lock-duration', '2s']);
    await untilStore(
      env.sim,
      () => (env.sim.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas ?? 3) > 3,
      30_000,
      'the surge to scale nginx up',
    );
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    expect(env.sim.store.get<Deployment>('Deployment', 'default', 'nginx')?.metadata.annotations?.['sdrain.io/surge']).toMatch(/^sha256:/);

    const again = await sdrain(env, ['apply', 'plan.json', '--kubeconfig', env.kubeconfig, '--lock-timeout', '30s', '--events', 'events.ndjson']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toMatch(/resuming/);
    observer.stop();
    expect(observer.min()).toBe(3);
    const dep = env.sim.store.get<Deployment>('Deployment', 'default', 'nginx');
    expect(dep?.spec.replicas).toBe(3);
    expect(dep?.metadata.annotations?.['sdrain.io/surge']).toBeUndefined();
    const onWorker1 = env.sim.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => p.spec.nodeName === 'worker-1');
    expect(onWorker1).toEqual([]);
    const events = readFileSync(join(env.dir, 'events.ndjson'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { type: string; time: string });
    expect(events[0]?.type).toBe('start');
    expect(events.at(-1)?.type).toBe('done');
    expect(events.every((e) => /^\d{4}-\d\d-\d\dT/.test(e.time))).toBe(true);
  }, CLI_TEST_TIMEOUT);

  it('a workload that never becomes ready: exit 1 after its timeout, surge rolled back, summary says what remains', async () => {
    const yaml = readFileSync(SEED, 'utf8').replace(
      /(    template:\n      metadata:\n)(        labels:\n          app: nginx\n)/g,
      "$1        annotations:\n          sim.sdrain.io/never-ready: 'true'\n$2",
    );
    const env = await setup({ yaml, podStartupMs: 200, specExtra: '  timeouts:\n    workload: 4s\n' });
    const observer = observeReady(env.sim, 'default', 'nginx');
    cleanups.push(() => observer.stop());
    const started = Date.now();
    const res = await sdrain(env, ['apply', 'plan.json', '--kubeconfig', env.kubeconfig]);
    expect(res.code, res.stderr).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(4000);
    expect(res.stderr).toMatch(/Timed out waiting for 2 surge pod\(s\) for Deployment "default\/nginx"/);
    expect(res.stdout).toMatch(/Apply of sha256:\S+ failed/);
    expect(res.stdout).toMatch(/worker-1\s*│\s*yes \(by this plan\)/);
    expect(res.stdout).toMatch(/default\/nginx-mggxpk78fq-8tvgk, default\/nginx-mggxpk78fq-nl4dv/);
    await untilStore(env.sim, () => env.sim.store.list<Pod>('Pod', { namespace: 'default' }).length === 3, 20_000, 'the surge pods to be removed');
    expect(env.sim.store.get<Deployment>('Deployment', 'default', 'nginx')?.spec.replicas).toBe(3);
    expect(observer.min()).toBe(3);
    expect(worker1(env)?.spec?.unschedulable).toBe(true);
  }, CLI_TEST_TIMEOUT);
});
