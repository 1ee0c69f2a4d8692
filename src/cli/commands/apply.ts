/**
 * `sdrain apply PLAN`: the command's options. The implementation (src/cli/commands/apply-run.ts)
 * loads @kubernetes/client-node, which costs about a second of start-up, so it is imported only
 * when the command runs: `sdrain --help` and the offline commands stay fast.
 */
import { Option, type Command } from 'commander';
import type { CliIO } from '../io.js';

export interface ApplyCliOptions {
  kubeconfig?: string;
  context?: string;
  expectDigest?: string;
  lockTimeout: string;
  lockNamespace: string;
  lockDuration: string;
  events?: string;
}

export function register(program: Command, io: CliIO): void {
  program
    .command('apply')
    .description('execute a reviewed plan file: cordon, move workloads safely, wave by wave (re-run to resume)')
    .argument('<plan>', 'plan file written by `sdrain plan`')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--expect-digest <digest>', 'refuse unless the plan digest is exactly this (sha256:...)')
    .option('--lock-timeout <duration>', 'how long to wait while another apply holds the lock', '30s')
    .option('--lock-namespace <ns>', 'namespace of the lock Lease "sdrain-apply"', 'kube-system')
    .addOption(new Option('--lock-duration <duration>', 'lease duration: a killed apply blocks others this long').default('15s').hideHelp())
    .option('--events <file>', 'write NDJSON progress events to FILE, or - for stdout')
    .addHelpText(
      'after',
      '\nIf an apply was killed, its lock expires after the lease duration; to remove it at once run `sdrain unlock`.\n' +
        'Without afterEach in the spec, drained nodes stay cordoned: `sdrain uncordon PLAN` gives them back.\n',
    )
    .action(async (file: string, opts: ApplyCliOptions) => (await import('./apply-run.js')).runApply(io, file, opts));
}
