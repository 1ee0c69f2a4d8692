/**
 * `sdrain show plan.json`: renders a saved plan after verifying it (format version, digest,
 * structure). The human forms are built from the same JSON the file holds. Exit 0 whenever the
 * plan reads, blocked or not; a refused or invalid file is an error.
 */
import { Option, type Command } from 'commander';
import { readPlan } from '../../planfile/read-plan.js';
import { OUTPUT_FORMATS, renderPlanAs, type OutputFormat } from '../../render/plan-as.js';
import type { CliIO } from '../io.js';
import { readInputFile } from '../../app/input-files.js';
import { addExamples } from './help-examples.js';

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('show')
    .description('render a saved plan file (verifying its digest)')
    .argument('<plan-file>', 'plan file written by sdrain plan')
    .addOption(new Option('-o, --output <format>', 'output format').choices(OUTPUT_FORMATS).default('table'))
    .action(async (file: string, opts: { output: OutputFormat }) => {
      const text = await readInputFile(io, file, 'plan file');
      const plan = readPlan(text, file);
      // -o json is the file as written (a format-1 file stays format 1 and its digest verifies).
      io.stdout(opts.output === 'json' ? text : renderPlanAs(plan, opts.output, io.color));
    });
  addExamples(
    cmd,
    [
      ['review a plan in the terminal', 'show plan.json'],
      ['Markdown for a pull-request comment (summary, risks, digest and the apply command)', 'show plan.json -o markdown > plan.md'],
      ['the plan file itself, e.g. to read its digest', 'show plan.json -o json'],
    ],
    'Exit codes: 0 rendered; 1 unreadable file; 3 the file was altered after it was written, or is of a newer format.',
  );
}
