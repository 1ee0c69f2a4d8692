/**
 * The command table: each command lives in src/cli/commands/<name>.ts and exports
 * `register(program, io)`. Add new commands here.
 */
import type { Command } from 'commander';
import type { CliIO } from './io.js';
import { register as registerPlan } from './commands/plan.js';
import { register as registerShow } from './commands/show.js';
import { register as registerSnapshot } from './commands/snapshot.js';
import { register as registerApply } from './commands/apply.js';
import { register as registerUncordon } from './commands/uncordon.js';
import { register as registerUnlock } from './commands/unlock.js';
import { register as registerSim } from './commands/sim.js';
import { register as registerDemo } from './commands/demo.js';
import { register as registerRbac } from './commands/rbac.js';
import { register as registerReport } from './commands/report.js';

export function registerCommands(program: Command, io: CliIO): void {
  void program;
  void io;
  registerPlan(program, io);
  registerShow(program, io);
  registerSnapshot(program, io);
  registerApply(program, io);
  registerUncordon(program, io);
  registerUnlock(program, io);
  registerSim(program, io);
  registerDemo(program, io);
  registerRbac(program, io);
  registerReport(program, io);
}
