/**
 * Kubernetes Events from a real apply on the simulator: the Node's cordon, drain and uncordon and
 * each workload's move, events.k8s.io/v1 with reporting controller `sdrain`, the plan digest and
 * the maintenance name — seen by the real kubectl (`describe node`, `get events`). Without the
 * permission (simulator RBAC, a role lacking it) apply warns once and still finishes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createEventRecorder } from '../../src/cluster/event-recorder.js';
import type { KubeObject } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED, makeDeps, planLive, runApply, seedSpec } from './apply-harness.js';

const sims: TestSim[] = [];
afterEach(async () => {
  await Promise.all(sims.splice(0).map((s) => s.stop()));
});

describe('apply records Kubernetes Events', () => {
  it('on the node and the workload, with the digest and the maintenance; kubectl describe node shows them', async () => {
    const s = await startTestSim({ file: SEED, podStartupMs: 500 });
    sims.push(s);
    const plan = await planLive(s, seedSpec('  afterEach:\n    command: ["true"]\n    uncordon: true\n'));
    const deps = makeDeps(s, { recordEvent: createEventRecorder(s.kc, { instance: 'sdrain@test' }) });
    const result = await runApply(plan, deps);
    expect(result.status).toBe('done');
    expect(deps.events.filter((e) => e.type === 'warning')).toEqual([]);

    const events = s.store.list<KubeObject & Record<string, unknown>>('Event').filter((e) => e.reportingController === 'sdrain');
    const reasons = events.map((e) => `${(e.regarding as { kind: string }).kind}/${(e.regarding as { name: string }).name} ${e.reason as string}`).sort();
    expect(reasons).toEqual(['Deployment/nginx SdrainSurgeDone', 'Deployment/nginx SdrainSurgeStarted', 'Node/worker-1 SdrainCordon', 'Node/worker-1 SdrainDrained', 'Node/worker-1 SdrainUncordon']);
    for (const e of events) {
      expect(e.metadata.annotations).toMatchObject({ 'sdrain.io/plan-digest': plan.digest, 'sdrain.io/maintenance': 'seed-article' });
      expect(e.note as string).toContain(plan.digest);
    }

    const describe = await s.kubectl(['describe', 'node', 'worker-1']);
    expect(describe.code).toBe(0);
    expect(describe.stdout).toMatch(/Normal\s+SdrainCordon\s+.*sdrain.*Cordoned by sdrain for wave 1 \(maintenance "seed-article"/);
    expect(describe.stdout).toMatch(/SdrainUncordon/);
    const get = await s.kubectl(['get', 'events', '-n', 'default', '--field-selector', 'reason=SdrainSurgeStarted', '-o', 'jsonpath={.items[*].involvedObject.name}']);
    expect(get.stdout).toBe('nginx');
    const v1 = await s.kubectl(['get', 'events.v1.events.k8s.io', '-n', 'default', '-o', 'jsonpath={.items[?(@.reportingController=="sdrain")].reason}']);
    expect(v1.code).toBe(0);
    expect(v1.stdout).toContain('SdrainCordon');
  }, 60_000);

  it('without the permission: one warning, and the apply still finishes', async () => {
    const s = await startTestSim({ file: SEED, podStartupMs: 500 });
    sims.push(s);
    const plan = await planLive(s, seedSpec());
    const recordEvent = async () => 'forbidden: the identity may not create events.events.k8s.io (`sdrain rbac --for apply` includes it)';
    const deps = makeDeps(s, { recordEvent });
    const result = await runApply(plan, deps);
    expect(result.status).toBe('done');
    const warnings = deps.events.filter((e) => e.type === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ message: expect.stringMatching(/^Cannot record Kubernetes Events \(apply carries on without them\): forbidden/) });
  }, 60_000);
});
