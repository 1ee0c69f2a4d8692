/**
 * The seed article's case through the real kubectl: 2 workers, nginx with 3 replicas (2 on w1,
 * 1 on w2), maxSurge 1 / maxUnavailable 0, pods taking time to start. `kubectl drain w1` evicts
 * both w1 pods at once; the rollout strategy does not apply to evictions, so nginx drops to 1
 * ready pod until the replacements on w2 are up.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Pod } from '../../src/model/k8s.js';
import { deployment, isReady, node } from '../../src/sim/controllers/testing/harness.js';
import { running } from '../../src/sim/controllers/testing/loaded-deployment.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';

let sim: TestSim | undefined;
afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

describe('seed article through kubectl drain', () => {
  it('drain of the node holding 2 of 3 nginx pods drops nginx to 1 ready, then it recovers on w2', async () => {
    const objects = [node('w1'), node('w2'), ...running(deployment('nginx', 3, { maxSurge: 1, maxUnavailable: 0 }), ['w1', 'w1', 'w2'])];
    sim = await startTestSim({ objects, podStartupMs: 3000 });
    const ready = () => sim!.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => isReady(p) && !p.metadata.deletionTimestamp).length;
    expect(ready()).toBe(3);
    let minReady = 3;
    const off = sim.store.on(() => {
      minReady = Math.min(minReady, ready());
    });
    const drain = await sim.kubectl(['drain', 'w1', '--ignore-daemonsets', '--delete-emptydir-data', '--timeout=30s']);
    expect(drain.stderr).toBe('');
    expect(drain.code).toBe(0);
    expect(drain.stdout).toContain('node/w1 cordoned');
    expect(drain.stdout).toContain('node/w1 drained');
    expect(minReady).toBe(1);
    const status = await sim.kubectl(['rollout', 'status', 'deployment/nginx', '--timeout=30s']);
    off();
    expect(status.code).toBe(0);
    const pods = sim.store.list<Pod>('Pod', { namespace: 'default' }).filter((p) => !p.metadata.deletionTimestamp);
    expect(pods.map((p) => p.spec.nodeName)).toEqual(['w2', 'w2', 'w2']);
    const nodes = await sim.kubectl(['get', 'nodes']);
    expect(nodes.stdout).toMatch(/w1\s+Ready,SchedulingDisabled/);
  });
});
