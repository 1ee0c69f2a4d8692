/**
 * `sdrain snapshot`: reads the live cluster and writes everything the planner reads as an
 * sdrain snapshot file (slim, secret-free, canonical), to --out or stdout. Planning from it
 * gives the same plan as planning live.
 */
import type { Command } from 'commander';
import { serializeSnapshot } from '../../snapshot/snapshot-file.js';
import type { CliIO } from '../io.js';
import { loadCluster } from './cluster-source.js';
import { writeOutputFile } from './input-files.js';

export function register(program: Command, io: CliIO): void {
  program
    .command('snapshot')
    .description('save what sdrain reads from the cluster to a file, for planning offline or later')
    .option('--kubeconfig <file>', 'kubeconfig to use (default: KUBECONFIG, ~/.kube/config, in-cluster)')
    .option('--context <name>', 'kubeconfig context to use')
    .option('--out <file>', 'write the snapshot here instead of stdout')
    .action(async (opts: { kubeconfig?: string; context?: string; out?: string }) => {
      const snapshot = await loadCluster(io, { kubeconfig: opts.kubeconfig, context: opts.context });
      const text = serializeSnapshot(snapshot);
      const counts = `${snapshot.nodes.length} nodes, ${snapshot.pods.length} pods, ${snapshot.namespaces.length} namespaces`;
      if (opts.out === undefined || opts.out === '-') {
        io.stdout(text);
        io.stderr(`Snapshot: ${counts}.\n`);
      } else {
        await writeOutputFile(io, opts.out, text, 'snapshot');
        io.stderr(`Snapshot written to ${opts.out}: ${counts}.\n`);
      }
    });
}
