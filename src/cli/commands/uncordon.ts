/**
 * `sdrain uncordon PLAN`: give back the nodes a plan cordoned. Only nodes carrying this plan's
 * digest annotation are touched — a node someone else cordoned stays as it is. Refuses while
 * an apply holds the lock (it would re-cordon or be undermined). Exit 0 also when there was
 * nothing to uncordon.
 */
import type { Command } from 'commander';
import { PLAN_DIGEST_ANNOTATION } from '../../apply/own-marks.js';
import { checkIdentity } from '../../apply/preflight.js';
import { readPlan } from '../../planfile/read-plan.js';
import type { CliIO } from '../io.js';
import { readInputFile } from '../../app/input-files.js';
import { addExamples } from './help-examples.js';


interface UncordonOptions {
  kubeconfig?: string;
  context?: string;
  lockTimeout: string;
  lockNamespace: string;
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('uncordon')
    .description("uncordon the plan's nodes that this plan cordoned (nodes cordoned by anyone else are left alone)")
    .argument('<plan>', 'plan file that was applied')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--lock-timeout <duration>', 'how long to wait while an apply holds the lock', '0s')
    .option('--lock-namespace <ns>', 'namespace of the lock Lease "sdrain-apply"', 'kube-system')
    .action(async (file: string, opts: UncordonOptions) => runUncordon(io, file, opts));
  addExamples(cmd, [
    ['give back the nodes an applied plan cordoned', 'uncordon plan.json'],
    ['on another context, waiting up to a minute for a running apply to finish', 'uncordon plan.json --context prod --lock-timeout 1m'],
  ]);
}

async function runUncordon(io: CliIO, file: string, opts: UncordonOptions): Promise<void> {
  // Loaded here, not at start-up: client-node is slow to import (see apply.ts).
  const [{ connect }, { applyGateway, durationOption, makeLeaseLock }] = await Promise.all([import('../../cluster/connect.js'), import('../../app/apply-run.js')]);
  const plan = readPlan(await readInputFile(io, file, 'plan file'), file);
  const timeout = durationOption(opts.lockTimeout, '--lock-timeout');
  const { kc, server } = connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: io.env, cwd: io.cwd });
  const gateway = applyGateway(io, kc, server);
  checkIdentity(plan, await gateway.identity(), file);
  const lock = await makeLeaseLock(kc, { namespace: opts.lockNamespace, timeoutSeconds: timeout, durationSeconds: 15 }).acquire(io.signal);
  try {
    let changed = 0;
    for (const name of plan.waves.flatMap((w) => w.nodes)) {
      const node = await gateway.getNode(name);
      if (!node) {
        io.stderr(`node ${name}: not found, skipped\n`);
        continue;
      }
      if (node.metadata.annotations?.[PLAN_DIGEST_ANNOTATION] !== plan.digest) {
        io.stderr(`node ${name}: not cordoned by this plan, left alone${node.spec?.unschedulable ? ' (it is cordoned by someone else)' : ''}\n`);
        continue;
      }
      await gateway.patchNode(name, { unschedulable: null, annotations: { [PLAN_DIGEST_ANNOTATION]: null } });
      changed++;
      io.stdout(`node/${name} uncordoned\n`);
    }
    if (changed === 0) io.stderr('Nothing to uncordon.\n');
  } finally {
    await lock.release().catch(() => undefined);
  }
}
