/**
 * `sdrain apply PLAN`: the command's options. The implementation (src/app/apply-run.ts)
 * loads @kubernetes/client-node, which costs about a second of start-up, so it is imported only
 * when the command runs: `sdrain --help` and the offline commands stay fast.
 */
import { Option, type Command } from 'commander';
import type { CliIO } from '../io.js';
import type { ApplyCliOptions } from '../../app/apply-run.js';
import { addExamples } from './help-examples.js';

export function register(program: Command, io: CliIO): void {
  const cmd = program
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
    .option('--report <file>', 'write the HTML report of the apply to FILE at the end (also after a failure)')
    .action(async (file: string, opts: ApplyCliOptions) => (await import('../../app/apply-run.js')).runApply(io, file, opts));
  addExamples(
    cmd,
    [
      ['apply exactly the reviewed plan (the digest from the review)', 'apply plan.json --expect-digest sha256:<digest>'],
      ['the same against another context, with NDJSON progress events in a file', 'apply plan.json --context prod --expect-digest sha256:<digest> --events events.ndjson'],
      ['keep an HTML report of the run (timeline, floors, estimate vs actual)', 'apply plan.json --expect-digest sha256:<digest> --report report.html'],
      ['resume after Ctrl-C or a crash: run the same command again', 'apply plan.json --expect-digest sha256:<digest>'],
    ],
    'Exit codes: 0 done (or already applied); 1 failed during execution; 3 refused before any change\n' +
      '(altered plan, digest mismatch, other cluster, drift, blocking findings, outside the window, locked).\n' +
      'If an apply was killed, its lock expires after the lease duration; to remove it at once run `sdrain unlock`.\n' +
      'Without afterEach in the spec, drained nodes stay cordoned: `sdrain uncordon PLAN` gives them back.',
  );
}
