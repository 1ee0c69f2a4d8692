/**
 * `sdrain unlock`: remove the apply lock (Lease "sdrain-apply") whoever holds it — for when an
 * apply was killed and you do not want to wait for its lease to expire. Make sure no apply is
 * still running: a live apply notices at its next renewal and stops.
 */
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { addExamples } from './help-examples.js';

interface UnlockOptions {
  kubeconfig?: string;
  context?: string;
  lockNamespace: string;
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('unlock')
    .description('remove the apply lock left by a killed apply (check that no apply is still running)')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--lock-namespace <ns>', 'namespace of the lock Lease "sdrain-apply"', 'kube-system')
    .action(async (opts: UnlockOptions) => {
      // Loaded here, not at start-up: client-node is slow to import (see apply.ts).
      const [{ connect }, { describeHolder, forceUnlock, LOCK_LEASE_NAME }] = await Promise.all([
        import('../../cluster/connect.js'),
        import('../../cluster/lease-lock.js'),
      ]);
      const { kc } = connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: io.env, cwd: io.cwd });
      const removed = await forceUnlock(kc, opts.lockNamespace, undefined, io.signal);
      if (!removed) io.stderr(`No apply lock is held (no Lease "${opts.lockNamespace}/${LOCK_LEASE_NAME}").\n`);
      else if (!removed.spec?.holderIdentity) io.stdout(`Removed the apply lock Lease "${opts.lockNamespace}/${LOCK_LEASE_NAME}" (it was not held).\n`);
      else io.stdout(`Removed the apply lock Lease "${opts.lockNamespace}/${LOCK_LEASE_NAME}", held by ${describeHolder(removed)}.\n`);
    });
  addExamples(cmd, [
    ['remove the lock a killed apply left behind', 'unlock'],
    ['the lock of applies run with --lock-namespace ops', 'unlock --lock-namespace ops --context prod'],
  ], 'See who holds it first: kubectl -n kube-system get lease sdrain-apply -o yaml');
}
