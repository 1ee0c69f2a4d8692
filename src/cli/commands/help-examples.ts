/**
 * The "Examples:" section at the end of every command's --help. Examples are written with the
 * name the program was started as (`sdrain` or, through the kubectl plugin, `kubectl sdrain`),
 * so they can be pasted as shown.
 */
import type { Command } from 'commander';

/** One example: what it does, then the command line without the program name. */
export type HelpExample = readonly [what: string, args: string];

function rootName(cmd: Command): string {
  let c = cmd;
  while (c.parent) c = c.parent;
  return c.name();
}

/** The text function for `cmd.addHelpText('after', examplesHelp(...))`. */
export function examplesHelp(examples: readonly HelpExample[], notes?: string): (ctx: { command: Command }) => string {
  return (ctx) => {
    const name = rootName(ctx.command);
    const lines = ['', 'Examples:'];
    // An example with no description continues the one before it.
    for (const [what, args] of examples) {
      if (what === '' && lines[lines.length - 1] === '') lines.pop();
      if (what !== '') lines.push(`  # ${what}`);
      lines.push(`  $ ${name} ${args}`, '');
    }
    if (lines[lines.length - 1] === '') lines.pop();
    if (notes) lines.push('', notes.trimEnd());
    return lines.join('\n');
  };
}

/** Adds an "Examples:" section (and optional notes after it) to a command's help. */
export function addExamples<T extends Command>(cmd: T, examples: readonly HelpExample[], notes?: string): T {
  cmd.addHelpText('after', examplesHelp(examples, notes));
  return cmd;
}
