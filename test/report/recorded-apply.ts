/**
 * A real apply on the simulator for the report tests: the seed article (nginx 3 replicas, 2 on
 * worker-1) drained by surge with afterEach and uncordon, while someone else deletes the nginx
 * pod on worker-2 as the surge starts — a disruption sdrain did not cause, which takes nginx
 * below its floor for a moment, so the report has a real dip to draw. Returns the plan, the
 * events apply emitted and its result.
 */
import type { ApplyEvent } from '../../src/apply/apply-event.js';
import type { ApplyResult } from '../../src/apply/apply-result.js';
import { createKubeGateway } from '../../src/cluster/kube-gateway.js';
import { readFileSync } from 'node:fs';
import type { KubeObject, Pod } from '../../src/model/k8s.js';
import { readObjects } from '../../src/snapshot/read-objects.js';
import type { Plan } from '../../src/model/plan.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED, makeDeps, planLive, runApply, seedSpec } from '../apply/apply-harness.js';

export interface RecordedApply {
  sim: TestSim;
  plan: Plan;
  events: ApplyEvent[];
  result: ApplyResult;
  /** The pod someone else deleted mid-apply. */
  disrupted?: string;
}

/**
 * The fixture's pods with Ready `startupMs` after creation, as a cluster that watched them
 * start shows (the fixture has every condition at the creation instant, which the estimate
 * does not take as a measurement): the plan's estimate is then from observed start-up times.
 */
function withObservedStartup(objects: KubeObject[], startupMs: number): KubeObject[] {
  return objects.map((o) => {
    if (o.kind !== 'Pod' || !o.metadata.creationTimestamp) return o;
    const readyAt = new Date(Date.parse(o.metadata.creationTimestamp) + startupMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status = o.status as { conditions?: { type: string; lastTransitionTime?: string }[] } | undefined;
    return { ...o, status: { ...status, conditions: (status?.conditions ?? []).map((c) => (c.type === 'Ready' || c.type === 'ContainersReady' ? { ...c, lastTransitionTime: readyAt } : c)) } };
  });
}

export async function recordApplyWithDisruption(podStartupMs = 2000): Promise<RecordedApply> {
  const { objects } = readObjects(readFileSync(SEED, 'utf8'), SEED);
  const sim = await startTestSim({ objects: withObservedStartup(objects, podStartupMs), podStartupMs });
  const plan = await planLive(sim, seedSpec('  afterEach:\n    command: ["true"]\n    uncordon: true\n'));
  const other = createKubeGateway({ kc: sim.kc, server: sim.url, readSnapshot: async () => { throw new Error('not used'); } });
  let disrupted: string | undefined;
  let deleting: Promise<unknown> | undefined;
  const deps = makeDeps(sim);
  const record = deps.onEvent;
  deps.onEvent = (e) => {
    record(e);
    if (e.type === 'workload-step' && e.step === 'scale-up' && e.workload.name === 'nginx' && !deleting) {
      const victim = sim.store.list<Pod>('Pod', { namespace: 'default' }).find((p) => p.metadata.labels?.app === 'nginx' && p.spec.nodeName === 'worker-2');
      if (victim) {
        disrupted = victim.metadata.name;
        deleting = other.deletePod('default', victim.metadata.name, victim.metadata.uid ?? '');
      }
    }
  };
  const result = await runApply(plan, deps);
  await deleting;
  return { sim, plan, events: deps.events, result, ...(disrupted ? { disrupted } : {}) };
}
