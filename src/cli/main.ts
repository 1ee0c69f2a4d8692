/**
 * The only place that reads process.argv, prints, or exits. Builds the commander program,
 * wires each command with an injected CliIO, and turns errors into text and exit codes.
 */
import { setMaxListeners } from 'node:events';
import { Command, CommanderError } from 'commander';
import type { CliIO } from './io.js';
import { formatError, exitCodeFor } from '../render/format-error.js';
import { TOOL_VERSION } from '../version.js';
import { registerCommands } from './commands.js';
import { examplesHelp } from './commands/help-examples.js';

export function buildProgram(io: CliIO, name = 'sdrain'): Command {
  const program = new Command(name)
    .description('Safe, reviewable Kubernetes node maintenance: plan, review, apply.')
    .version(TOOL_VERSION, '--version', 'print the sdrain version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s), writeErr: (s) => io.stderr(s) })
    .exitOverride();
  registerCommands(program, io);
  program.addHelpText(
    'after',
    examplesHelp([
      ['try it on a simulated cluster, no cluster needed', 'demo'],
      ['plan, review, apply', 'plan -f maint.yaml --out plan.json'],
      ['', 'show plan.json -o markdown'],
      ['', 'apply plan.json --expect-digest sha256:<digest from the review>'],
    ], 'Run `COMMAND --help` for the options and examples of each command.'),
  );
  return program;
}

export async function main(argv: string[], name = 'sdrain'): Promise<void> {
  const controller = new AbortController();
  // Every in-flight request listens to this signal; a live snapshot runs a dozen lists at once.
  setMaxListeners(0, controller.signal);
  const onSignal = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort(new Error(`received ${sig}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const io: CliIO = {
    stdout: (s) => process.stdout.write(s),
    stderr: (s) => process.stderr.write(s),
    // Live redraw only on a real terminal: CI systems that allocate a pseudo-terminal set CI,
    // and TERM=dumb cannot move the cursor; both get plain timestamped lines.
    isTTY: Boolean(process.stderr.isTTY) && !isCiEnvironment(process.env) && process.env.TERM !== 'dumb',
    // Colour only when both streams are terminals: tables go to stdout, progress to stderr, and
    // `sdrain plan > plan.txt` must not write escape codes into the file. NO_COLOR always wins.
    color: Boolean(process.stdout.isTTY && process.stderr.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb',
    env: process.env,
    cwd: process.cwd(),
    exitCode: 0,
    signal: controller.signal,
  };
  const program = buildProgram(io, name);
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      io.exitCode = err.exitCode === 0 ? 0 : err.code === 'commander.version' || err.code === 'commander.helpDisplayed' ? 0 : 1;
      if (err.code === 'commander.help' || err.code === 'commander.helpDisplayed' || err.code === 'commander.version') io.exitCode = 0;
    } else {
      io.stderr(formatError(err, errorFormat(io, argv)));
      io.exitCode = exitCodeFor(err);
    }
  }
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
  // Let pending writes flush, then exit explicitly so stray handles cannot keep us alive.
  process.stdout.write('', () => process.stderr.write('', () => process.exit(io.exitCode)));
}

/** How errors are written: colour, and for a bug the command, the version and SDRAIN_DEBUG. */
export function errorFormat(io: Pick<CliIO, 'color' | 'env'>, argv: readonly string[]): { color: boolean; command?: string; version: string; debug: boolean } {
  const debug = io.env.SDRAIN_DEBUG;
  return { color: io.color, command: argv.find((a) => !a.startsWith('-')), version: TOOL_VERSION, debug: debug !== undefined && debug !== '' && debug !== '0' };
}

/** True where CI systems say so (GitHub Actions, GitLab, Jenkins, Buildkite… set CI=true). */
function isCiEnvironment(env: NodeJS.ProcessEnv): boolean {
  const ci = env.CI;
  return ci !== undefined && ci !== '' && ci.toLowerCase() !== 'false' && ci !== '0';
}
