/**
 * `sdrain report EVENTS.ndjson [--plan plan.json] --out report.html`: the HTML report of an
 * apply from its NDJSON events (`apply --events`), with the plan (verified like `show`) for
 * the workloads the apply never reached. Prints the report's path on stdout.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { SdrainError } from '../../errors.js';
import type { Plan } from '../../model/plan.js';
import { readPlan } from '../../planfile/read-plan.js';
import { renderApplyReport } from '../../render/apply-report.js';
import { parseEventsNdjson } from '../../render/parse-events-ndjson.js';
import { TOOL_VERSION } from '../../version.js';
import type { CliIO } from '../io.js';
import { addExamples } from './help-examples.js';
import { readInputFile, writeOutputFile } from '../../app/input-files.js';

export interface ReportCliOptions {
  plan?: string;
  out: string;
}

export async function runReport(io: CliIO, eventsFile: string, opts: ReportCliOptions): Promise<void> {
  const parsed = parseEventsNdjson(await readInputFile(io, eventsFile, 'events file'));
  if (parsed.problems.length > 0) {
    const shown = parsed.problems.slice(0, 10).join('; ');
    throw new SdrainError('INPUT_INVALID', `Cannot read events file ${eventsFile}: ${parsed.problems.length} bad line(s): ${shown}${parsed.problems.length > 10 ? '; …' : ''}`, {
      hint: 'Pass the NDJSON written by `sdrain apply --events FILE` (schemas/apply-events.schema.json).',
    });
  }
  if (parsed.events.length === 0) throw new SdrainError('INPUT_INVALID', `Cannot write a report from ${eventsFile}: it holds no apply events`);
  let plan: Plan | undefined;
  if (opts.plan !== undefined) plan = readPlan(await readInputFile(io, opts.plan, 'plan file'), opts.plan);
  await writeOutputFile(io, opts.out, renderApplyReport(parsed.events, plan, { toolVersion: TOOL_VERSION }), 'report');
  io.stdout(`${resolve(io.cwd, opts.out)}\n`);
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('report')
    .description('write a self-contained HTML report (timeline, ready counts against floors, estimate vs actual) of an apply from its NDJSON events')
    .argument('<events>', 'NDJSON events written by `sdrain apply --events FILE`')
    .option('--plan <file>', 'the plan that was applied (adds the workloads apply did not reach)')
    .option('--out <file>', 'where to write the HTML', 'report.html')
    .action(async (file: string, opts: ReportCliOptions) => runReport(io, file, opts));
  addExamples(
    cmd,
    [
      ['the report of an apply, with its plan', 'report events.ndjson --plan plan.json --out report.html'],
      ['or write it directly at the end of an apply', 'apply plan.json --events events.ndjson --report report.html'],
    ],
    'The HTML has no scripts and loads nothing: open it offline or keep it as a CI artifact.',
  );
}
