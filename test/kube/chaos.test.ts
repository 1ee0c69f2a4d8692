/**
 * A fixed-seed slice of `npm run chaos:kube` on the real control plane: kube-apiserver killed
 * (-9) in the middle of an apply and started again, and kube-controller-manager stopped for
 * 20 s (nothing replaces pods meanwhile). Apply ends in exit 0 or an accurate exit 1, a re-run
 * converges, no floor is broken (an observer of our own, re-listing through the outage), and
 * nothing is left behind. Needs kube-up's control endpoint: skipped on an external cluster.
 * (~45 s a case.) The kubelet-outage fault stays out of CI: the node lifecycle controller needs
 * its 50 s grace period before anything differs from a 20 s kubelet stop, so a case takes
 * 80–100 s — more than the two cases here together; `npm run chaos:kube` runs it.
 */
import { describe, expect, it, inject } from 'vitest';
import { runKubeChaos, type KubeFault } from './harness/kube-chaos.js';

const control = inject('control');

describe.runIf(control !== '')('faults of real components during apply', () => {
  it.each([
    ['apiserver-kill', 11],
    ['controller-manager-stop', 12],
  ] as [KubeFault, number][])('%s (seed %i): floors held, apply accurate, a re-run converges, nothing left behind', async (fault, seed) => {
    const run = await runKubeChaos({ kubeconfig: inject('kubeconfig'), control, layout: 'seed', faults: [fault], seed, id: `chaos-${seed}`, log: (l) => process.stderr.write(`${l}\n`) });
    expect(run.violations, JSON.stringify(run)).toEqual([]);
    expect([0, 1], JSON.stringify(run)).toContain(run.firstExit);
    if (run.firstExit === 1) expect(run.firstError, 'an exit 1 says what failed').toMatch(/^error: /);
    expect(run.converged, JSON.stringify(run)).toBe(true);
    expect(run.leftovers).toEqual([]);
  });
});
