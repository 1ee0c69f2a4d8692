/**
 * `sdrain plan -f maint.yaml`: spec + cluster → plan file + readable plan.
 * Exit codes: 0 plan written and applicable; 2 plan written but blocked by error findings
 * (written anyway so reviewers can see why); 1 no plan (bad input, cluster unreachable).
 */
import { Option, type Command } from 'commander';
import { parseSpec } from '../../spec/parse-spec.js';
import { plan as computePlan } from '../../plan/plan.js';
import { writePlan } from '../../planfile/write-plan.js';
import { TOOL_VERSION } from '../../version.js';
import { SdrainError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { loadCluster } from '../../app/cluster-source.js';
import { readInputFile, writeOutputFile } from '../../app/input-files.js';
import { renderPlanAs, OUTPUT_FORMATS, type OutputFormat } from '../../render/plan-as.js';
import { addExamples } from './help-examples.js';

interface PlanOptions {
  file: string;
  snapshot?: string;
  cluster?: string;
  kubeconfig?: string;
  context?: string;
  out: string;
  output: OutputFormat;
}

/** Exit code for a plan written but blocked by error findings. */
export const EXIT_PLAN_BLOCKED = 2;

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('plan')
    .description('compute a reviewable plan from a maintenance spec and a cluster, and write it to a plan file')
    .requiredOption('-f, --file <spec>', 'maintenance spec (YAML)')
    .option('--snapshot <file>', 'read the cluster from a file (sdrain snapshot, or kubectl get -o yaml|json output) instead of the API server')
    .addOption(new Option('--cluster <file>', 'same as --snapshot').hideHelp())
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--out <file>', 'where to write the plan file', 'plan.json')
    .addOption(new Option('-o, --output <format>', 'how to print the plan on stdout').choices(OUTPUT_FORMATS).default('table'))
    .action(async (opts: PlanOptions) => runPlan(io, opts));
  addExamples(
    cmd,
    [
      ['plan live against the current kubectl context; writes plan.json', 'plan -f maint.yaml'],
      ['another context and file; Markdown for a pull-request comment', 'plan -f maint.yaml --context prod --out prod-plan.json -o markdown > plan.md'],
      ['plan offline from a file (sdrain snapshot, or kubectl get ... -o yaml)', 'plan -f examples/maint.yaml --snapshot examples/cluster.yaml'],
    ],
    'Exit codes: 0 plan written and applicable; 2 plan written but blocked by error findings; 1 no plan.',
  );
}

async function runPlan(io: CliIO, opts: PlanOptions): Promise<void> {
  const spec = parseSpec(await readInputFile(io, opts.file, 'maintenance spec'), opts.file);
  if (opts.cluster !== undefined && opts.snapshot !== undefined) {
    throw new SdrainError('USAGE', 'Cannot combine --cluster with --snapshot: they are the same option');
  }
  const snapshot = await loadCluster(io, { ...opts, snapshot: opts.snapshot ?? opts.cluster });
  const { text, plan } = writePlan(computePlan(spec, snapshot, { toolVersion: TOOL_VERSION }));
  await writeOutputFile(io, opts.out, text, 'plan file');
  // -o json is the plan file's bytes: print them rather than serialising the plan again.
  io.stdout(opts.output === 'json' ? text : renderPlanAs(plan, opts.output, io.color));
  io.stderr(`Plan written to ${opts.out} (digest ${plan.digest}).\n`);
  if (!plan.applicable) {
    const n = plan.findings.filter((f) => f.severity === 'error').length;
    io.stderr(`The plan is blocked by ${n} error finding${n === 1 ? '' : 's'}: apply will refuse it until they are resolved.\n`);
    io.exitCode = EXIT_PLAN_BLOCKED;
  }
}
