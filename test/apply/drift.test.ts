/**
 * Drift between plan and apply, made with the real kubectl as an independent client: a
 * decision-relevant change refuses (DRIFT, a diff naming the objects, nothing changed); an
 * annotation no rule reads does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DriftError } from '../../src/errors.js';
import type { Deployment, Node } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED, makeDeps, planLive, runApply, seedSpec } from './apply-harness.js';

let sims: TestSim[] = [];
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
});

async function fresh(): Promise<TestSim> {
  const s = await startTestSim({ file: SEED, podStartupMs: 300 });
  sims.push(s);
  return s;
}

function untouched(s: TestSim): void {
  const node = s.store.get<Node>('Node', undefined, 'worker-1');
  expect(node?.spec?.unschedulable).toBeFalsy();
  expect(node?.metadata.annotations?.['sdrain.io/plan-digest']).toBeUndefined();
  const dep = s.store.get<Deployment>('Deployment', 'default', 'nginx');
  expect(dep?.spec.template.metadata?.annotations?.['kubectl.kubernetes.io/restartedAt']).toBeUndefined();
}

async function expectDrift(s: TestSim, change: string[], mentions: RegExp, input?: string): Promise<void> {
  const plan = await planLive(s, seedSpec());
  expect(plan.applicable).toBe(true);
  const res = await s.kubectl(change, { input });
  expect(res.code, res.stderr).toBe(0);
  const err = await runApply(plan, makeDeps(s)).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DriftError);
  const drift = err as DriftError;
  expect(drift.code).toBe('DRIFT');
  expect(drift.message).toBe('Refusing to apply plan.json: the cluster changed since the plan was made; nothing was changed');
  if (process.env.SDRAIN_TEST_DEBUG) console.log(drift.diff);
  expect(drift.diff).toMatch(/^--- plan\.json \(reviewed plan\)/m);
  expect(drift.diff).toMatch(/^\+\+\+ plan from the live cluster now/m);
  expect(drift.diff).toMatch(mentions);
  expect(drift.changed.join('\n')).toMatch(mentions);
  untouched(s);
}

describe('apply refuses on drift, changing nothing', () => {
  beforeAll(() => {
    sims = [];
  });

  it('a Deployment scaled between plan and apply', async () => {
    await expectDrift(await fresh(), ['scale', 'deployment/nginx', '--replicas=4', '-n', 'default'], /nginx.*replicas/);
  });

  it('a PodDisruptionBudget added between plan and apply', async () => {
    const pdb = {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'nginx-pdb', namespace: 'default' },
      spec: { minAvailable: 3, selector: { matchLabels: { app: 'nginx' } } },
    };
    await expectDrift(await fresh(), ['create', '--validate=false', '-f', '-'], /nginx-pdb/, JSON.stringify(pdb));
  });

  it('a new pod on the target node', async () => {
    await expectDrift(
      await fresh(),
      ['run', 'intruder', '--image=busybox', '--restart=Never', '-n', 'default', '--overrides={"apiVersion":"v1","spec":{"nodeName":"worker-1"}}'],
      /intruder/,
    );
  });

  it('a harmless annotation is not drift', async () => {
    const s = await fresh();
    const plan = await planLive(s, seedSpec());
    const res = await s.kubectl(['annotate', 'deployment/nginx', '-n', 'default', 'team.example.com/owner=web']);
    expect(res.code, res.stderr).toBe(0);
    const res2 = await s.kubectl(['annotate', 'node/worker-1', 'example.com/rack=r12']);
    expect(res2.code, res2.stderr).toBe(0);
    const result = await runApply(plan, makeDeps(s));
    expect(result.error?.message).toBeUndefined();
    expect(result.status).toBe('done');
  });
});
