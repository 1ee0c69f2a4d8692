/**
 * The command table: each command lives in src/cli/commands/<name>.ts and exports
 * `register(program, io)`. Add new commands here.
 */
import type { Command } from 'commander';
import type { CliIO } from './io.js';

export function registerCommands(program: Command, io: CliIO): void {
  void program;
  void io;
}
