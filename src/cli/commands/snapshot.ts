/**
 * `sdrain snapshot`: reads the live cluster and writes everything the planner reads as an
 * sdrain snapshot file (slim, secret-free, canonical), to --out or stdout. Planning from it
 * gives the same plan as planning live.
 */
import type { Command } from 'commander';
import { snapshotTextChunks } from '../../snapshot/snapshot-file.js';
import type { CliIO } from '../io.js';
import { loadCluster } from '../../app/cluster-source.js';
import { writeOutputChunks } from '../../app/input-files.js';
import { examplesHelp } from './help-examples.js';

export function register(program: Command, io: CliIO): void {
  program
    .command('snapshot')
    .description('save what sdrain reads from the cluster to a file, for planning offline or later')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--out <file>', 'write the snapshot here instead of stdout')
    .action(async (opts: { kubeconfig?: string; context?: string; out?: string }) => {
      const snapshot = await loadCluster(io, { kubeconfig: opts.kubeconfig, context: opts.context });
      const counts = `${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods, ${snapshot.namespaces.length} namespaces`;
      if (opts.out === undefined || opts.out === '-') {
        // In chunks of ~1 MiB: a large cluster's snapshot is longer than one string can be.
        for (const chunk of snapshotTextChunks(snapshot)) io.stdout(chunk);
        io.stderr(`Snapshot: ${counts}.\n`);
      } else {
        await writeOutputChunks(io, opts.out, snapshotTextChunks(snapshot), 'snapshot');
        io.stderr(`Snapshot written to ${opts.out}: ${counts}.\n`);
      }
    })
    .addHelpText(
      'after',
      examplesHelp([
        ['save the current context\'s cluster for planning offline', 'snapshot --out cluster.json'],
        ['then plan from it, e.g. in CI without cluster access', 'plan -f maint.yaml --snapshot cluster.json'],
        ['another context, to stdout', 'snapshot --context prod > prod.json'],
      ]),
    );
}
