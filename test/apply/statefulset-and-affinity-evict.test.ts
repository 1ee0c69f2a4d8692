/**
 * Two waits that must match the plan, on examples/cluster.yaml draining worker-1:
 * - an evicted StatefulSet pod (data/redis) is done only when its replacement — same name, new
 *   UID — is Ready, so apply's recorded minimum matches an independent observer's;
 * - with spec.affinity: evict, a pinned workload (shop/license-server) whose replacement fits on
 *   no node is evicted and apply does not wait for a replacement that can never start.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Pod, StatefulSet } from '../../src/model/k8s.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { makeDeps, observeReady, planLive, runApply } from './apply-harness.js';

const SPEC = `apiVersion: sdrain.io/v1alpha1
kind: Maintenance
metadata: { name: worker-1-affinity-evict }
spec:
  nodes: { names: [worker-1] }
  affinity: evict
  timeouts: { workload: 2m, node: 5m }
`;

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('apply: StatefulSet evictions and accepted losses', () => {
  it('waits for the StatefulSet replacement and not for an unplaceable pod', async () => {
    sim = await startTestSim({ file: join(REPO_ROOT, 'examples/cluster.yaml'), podStartupMs: 1500 });
    const plan = await planLive(sim, SPEC);
    expect(plan.applicable).toBe(true);
    expect(plan.findings.some((f) => f.code === 'AFFINITY_EVICT' && f.object?.name === 'license-server')).toBe(true);
    const redis = plan.waves[0]!.actions.find((a) => a.workload.name === 'redis')!;
    expect(redis.method).toBe('evict');

    const observer = observeReady(sim, 'data', 'redis');
    const started = Date.now();
    const result = await runApply(plan, makeDeps(sim));
    observer.stop();
    expect(result.error?.message).toBeUndefined();
    expect(result.status).toBe('done');
    // Well inside the 2-minute workload timeout: apply did not wait for license-server.
    expect(Date.now() - started).toBeLessThan(90_000);

    // When apply says redis is done, its replacement is Ready: back at 3.
    expect(observer.current()).toBe(3);
    const sts = sim.store.get<StatefulSet>('StatefulSet', 'data', 'redis')!;
    expect(sts.status?.readyReplicas).toBe(3);
    // Apply's own minimum matches what the observer saw (one pod restarting: 2 of 3).
    const wl = result.workloads.find((w) => w.workload.name === 'redis')!;
    expect(observer.min()).toBe(2);
    expect(wl.minReady).toBe(observer.min());
    expect(wl.minReady).toBeGreaterThanOrEqual(wl.expectedMinReady);

    // license-server was evicted; its replacement waits Pending (pinned to the cordoned node).
    const ls = sim.store.list<Pod>('Pod', { namespace: 'shop' }).filter((p) => p.metadata.labels?.app === 'license-server');
    expect(ls.every((p) => p.spec.nodeName !== 'worker-1' || p.metadata.deletionTimestamp)).toBe(true);
  });

  it('drains two waves: replacements that wave 1 placed on wave 2\'s node move again in wave 2', async () => {
    sim = await startTestSim({ file: join(REPO_ROOT, 'examples/cluster.yaml'), podStartupMs: 1000 });
    const plan = await planLive(sim, SPEC.replace('names: [worker-1]', 'names: [worker-1, worker-2]'));
    expect(plan.applicable).toBe(true);
    expect(plan.waves.map((w) => w.nodes)).toEqual([['worker-1'], ['worker-2']]);

    const nginx = observeReady(sim, 'default', 'nginx');
    const result = await runApply(plan, makeDeps(sim));
    nginx.stop();
    expect(result.error?.message).toBeUndefined();
    expect(result.status).toBe('done');
    expect(nginx.min()).toBe(3);
    // The scenario really exercises arrivals: some wave-2 move handled more pods than planned.
    const planned = (name: string) => plan.waves[1]!.actions.find((a) => a.workload.name === name)?.pods.length ?? 0;
    expect(result.workloads.filter((w) => w.wave === 2).some((w) => w.pods > planned(w.workload.name))).toBe(true);
    // Nothing of the moved workloads is left on either drained node (DaemonSet pods stay).
    const left = sim.store
      .list<Pod>('Pod')
      .filter((p) => (p.spec.nodeName === 'worker-1' || p.spec.nodeName === 'worker-2') && !p.metadata.deletionTimestamp)
      .filter((p) => !p.metadata.ownerReferences?.some((o) => o.kind === 'DaemonSet'));
    expect(left.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual([]);
  });
});
