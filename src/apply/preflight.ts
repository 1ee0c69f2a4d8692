/**
 * Checks that refuse an apply before anything is read from or written to the cluster's
 * workloads: the reviewed digest, blocking findings, the maintenance window, and that the
 * cluster is the one the plan was made for. Each refusal is an SdrainError PLAN_REFUSED
 * (exit 3) saying what is and what was expected. (The file's own digest and format version
 * are verified earlier by readPlan.)
 */
import { SdrainError } from '../errors.js';
import { isoSeconds } from '../kube/time.js';
import type { Plan } from '../model/plan.js';
import type { ClusterIdentity } from '../model/snapshot.js';

function refuse(message: string, hint?: string): SdrainError {
  return new SdrainError('PLAN_REFUSED', message, { hint });
}

/** The checks that need no cluster: digest pin, blocking findings, window. */
export function preflightPlan(plan: Plan, opts: { file: string; expectDigest?: string; nowMs: number }): void {
  if (opts.expectDigest !== undefined && opts.expectDigest !== plan.digest) {
    throw refuse(
      `Refusing to apply ${opts.file}: its digest ${plan.digest} is not the expected ${opts.expectDigest}`,
      'Apply the plan that was reviewed, or pass the digest of this plan (shown by `sdrain show`).',
    );
  }
  const errors = plan.findings.filter((f) => f.severity === 'error');
  if (!plan.applicable || errors.length > 0) {
    const list = errors.map((f) => `\n  - ${f.code}: ${f.message}`).join('');
    throw refuse(
      `Refusing to apply ${opts.file}: the plan is blocked by ${errors.length} error finding(s)${list}`,
      'Fix the causes (or the maintenance spec), run `sdrain plan` again and review the new plan.',
    );
  }
  const window = plan.spec.spec.window;
  if (window?.notBefore !== undefined && opts.nowMs < Date.parse(window.notBefore)) {
    throw refuse(
      `Refusing to apply ${opts.file}: the maintenance window opens at ${window.notBefore}, it is now ${iso(opts.nowMs)}`,
      'Run apply again inside the window.',
    );
  }
  if (window?.notAfter !== undefined && opts.nowMs > Date.parse(window.notAfter)) {
    throw refuse(
      `Refusing to apply ${opts.file}: the maintenance window closed at ${window.notAfter}, it is now ${iso(opts.nowMs)}`,
      'Change spec.window, run `sdrain plan` again and review the new plan.',
    );
  }
}

/**
 * The plan must be applied to the cluster it was made from: the kube-system UID when both
 * sides know it, otherwise the server URL.
 */
export function checkIdentity(plan: Plan, live: ClusterIdentity, file: string): void {
  const want = plan.cluster;
  if (want.uid && live.uid && want.uid !== live.uid) {
    throw refuse(
      `Refusing to apply ${file}: it was made for the cluster with kube-system UID "${want.uid}", but ${live.server ?? 'this cluster'} has "${live.uid}"`,
      'Check --kubeconfig/--context: the plan belongs to another cluster.',
    );
  }
  if (!(want.uid && live.uid) && want.server && live.server && want.server !== live.server) {
    throw refuse(
      `Refusing to apply ${file}: it was made for the server "${want.server}", but the kubeconfig points at "${live.server}"`,
      'Check --kubeconfig/--context: the plan belongs to another cluster.',
    );
  }
}

const iso = isoSeconds;
