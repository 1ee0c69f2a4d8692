/**
 * Where `plan` and `snapshot` get the cluster from: a snapshot/dump file, or the live API
 * server through a kubeconfig. Progress and warnings go to stderr.
 */
import type { Snapshot } from '../model/snapshot.js';
import { SdrainError, type Diagnostic } from '../errors.js';
import { loadSnapshotStream } from '../snapshot/snapshot-file.js';
import type { CliIO } from './io.js';
import { openInputStream } from './input-files.js';

export interface ClusterSourceOptions {
  snapshot?: string;
  kubeconfig?: string;
  context?: string;
}

/** Formats a non-fatal diagnostic for stderr. */
export function formatWarning(d: Diagnostic): string {
  const where = [d.file + (d.line !== undefined ? `:${d.line}${d.column !== undefined ? `:${d.column}` : ''}` : ''), d.field ? `field ${d.field}` : undefined, d.object]
    .filter(Boolean)
    .join(': ');
  return `warning: ${where}: ${d.message}\n`;
}

/** Loads the cluster from --snapshot, or reads it live (kubeconfig, context, env, in-cluster). */
export async function loadCluster(io: CliIO, opts: ClusterSourceOptions): Promise<Snapshot> {
  if (opts.snapshot !== undefined) {
    if (opts.kubeconfig !== undefined || opts.context !== undefined) {
      throw new SdrainError('USAGE', 'Cannot combine --snapshot with --kubeconfig or --context', { hint: 'Plan either from a snapshot file or from the live cluster.' });
    }
    // Read as a stream: snapshot files and JSON dumps can be larger than one string can hold
    // (JSON dumps that fit in one are read and parsed whole: faster).
    const input = await openInputStream(io, opts.snapshot, 'cluster snapshot');
    const { snapshot, warnings } = await loadSnapshotStream(input.open(), opts.snapshot, { reopen: input.open, whole: { size: input.size, read: input.readText } });
    for (const w of warnings) io.stderr(formatWarning(w));
    return snapshot;
  }
  // Loaded only for live reads: @kubernetes/client-node is most of the CLI's start-up time.
  const [{ connect }, { readLiveSnapshot }] = await Promise.all([import('../cluster/connect.js'), import('../cluster/read-snapshot.js')]);
  const { kc, server, context } = connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: io.env, cwd: io.cwd });
  io.stderr(`Reading cluster ${server} (context ${context})...\n`);
  return readLiveSnapshot(kc, { server, signal: io.signal, onWarning: (m) => io.stderr(`warning: ${m}\n`) });
}
