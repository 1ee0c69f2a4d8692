/**
 * Shared set-up for apply integration tests: a simulator, a plan made from its live state by
 * the real planner, the real HTTP gateway and lease lock, and an independent observer of every
 * pod event in the simulator's store (not through apply) that records the lowest ready count
 * of a workload's pods.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApplyDeps } from '../../src/apply/apply-deps.js';
import type { ApplyEvent } from '../../src/apply/apply-event.js';
import { applyPlan } from '../../src/apply/apply-plan.js';
import type { ApplyResult } from '../../src/apply/apply-result.js';
import { createKubeGateway } from '../../src/cluster/kube-gateway.js';
import { acquireLeaseLock } from '../../src/cluster/lease-lock.js';
import { readLiveSnapshot } from '../../src/cluster/read-snapshot.js';
import type { Pod } from '../../src/model/k8s.js';
import type { Plan } from '../../src/model/plan.js';
import { plan as computePlan } from '../../src/plan/plan.js';
import { writePlan } from '../../src/planfile/write-plan.js';
import { parseSpec } from '../../src/spec/parse-spec.js';
import { REPO_ROOT } from '../helpers/cli.js';
import { wallClock } from '../../src/apply/wall-clock.js';
import { observeReady as observe } from '../../src/sim/ready-observer.js';
import type { TestSim } from '../helpers/sim.js';

export const FIXTURES = join(REPO_ROOT, 'test/fixtures');
export const SEED = join(FIXTURES, 'seed-article.yaml');
export const SEED_MAINT = join(FIXTURES, 'seed-article-maint.yaml');

/** Plans from the simulator's live state, exactly as `sdrain plan --kubeconfig` would. */
export async function planLive(sim: TestSim, specText: string): Promise<Plan> {
  const spec = parseSpec(specText, 'maint.yaml');
  const snapshot = await readLiveSnapshot(sim.kc, { server: sim.url });
  return writePlan(computePlan(spec, snapshot, { toolVersion: '0.1.0' })).plan;
}

export function seedSpec(extra = ''): string {
  return readFileSync(SEED_MAINT, 'utf8') + extra;
}

/** The CLI's own wall clock, so tests wait exactly as `sdrain apply` does. */
export const realClock = wallClock;

export function makeDeps(sim: TestSim, over: Partial<ApplyDeps> = {}): ApplyDeps & { events: ApplyEvent[] } {
  const events: ApplyEvent[] = [];
  const deps: ApplyDeps = {
    gateway: createKubeGateway({ kc: sim.kc, server: sim.url, readSnapshot: (kc) => readLiveSnapshot(kc, { server: sim.url }) }),
    clock: realClock,
    lock: {
      acquire: (signal) =>
        acquireLeaseLock({ kc: sim.kc, namespace: 'kube-system', holder: `test-${Math.random().toString(36).slice(2, 8)}`, durationSeconds: 15, now: Date.now, timeoutMs: 2000, signal }),
    },
    replan: (spec, snapshot) => computePlan(spec, snapshot, { toolVersion: '0.1.0' }),
    toolVersion: '0.1.0',
    runCommand: async () => 0,
    onEvent: (e) => events.push(e),
    signal: new AbortController().signal,
    ...over,
  };
  return Object.assign(deps, { events });
}

export function runApply(plan: Plan, deps: ApplyDeps): Promise<ApplyResult> {
  return applyPlan(plan, { file: 'plan.json' }, deps);
}

/**
 * The simulator's ready observer (independent of apply) for the pods with label app=<app>:
 * the lowest number of Ready, non-terminating pods seen after each write.
 */
export function observeReady(sim: TestSim, namespace: string, app: string): { min(): number; current(): number; stop(): void } {
  const obs = observe(sim.store, [{ key: app, namespace, owns: (p: Pod) => p.metadata.labels?.app === app }]);
  return { min: () => obs.min(app), current: () => obs.current(app), stop: obs.stop };
}
