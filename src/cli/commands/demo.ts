/**
 * `sdrain demo`: what a newcomer runs first. Plans and applies a maintenance on a simulated
 * cluster and compares availability with plain eviction (src/demo/run-demo.ts). Loaded lazily:
 * it pulls in the simulator and @kubernetes/client-node.
 */
import type { Command } from 'commander';
import { SdrainError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { addExamples } from './help-examples.js';

interface DemoCliOptions {
  keep?: boolean;
  podStartupMs: string;
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('demo')
    .description('plan and apply a maintenance on a simulated cluster, and compare availability with plain eviction (no cluster needed)')
    .option('--keep', 'leave the simulated cluster running afterwards (until Ctrl-C) to explore it with kubectl')
    .option('--pod-startup-ms <n>', 'time a pod takes to become ready in the simulator', '2500')
    .action(async (opts: DemoCliOptions) => {
      if (!/^\d+$/.test(opts.podStartupMs) || Number(opts.podStartupMs) > 60_000) {
        throw new SdrainError('USAGE', `Cannot use --pod-startup-ms "${opts.podStartupMs}": expected a whole number from 0 to 60000`);
      }
      const { runDemo } = await import('../../demo/run-demo.js');
      await runDemo(io, { keep: opts.keep === true, podStartupMs: Number(opts.podStartupMs) });
    });
  addExamples(cmd, [
    ['plan, apply and compare with plain eviction (about 15 s, no cluster needed)', 'demo'],
    ['keep the simulated cluster running afterwards to explore it with kubectl', 'demo --keep'],
    ['faster pods', 'demo --pod-startup-ms 500'],
  ]);
}
