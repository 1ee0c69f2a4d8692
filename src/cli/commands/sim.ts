/**
 * `sdrain sim --from FILE --kubeconfig-out FILE`: serves a simulated cluster loaded from a
 * dump until SIGINT/SIGTERM. Prints one line with `ready` and the URL on stdout (scripts wait
 * for it); warnings about the dump go to stderr.
 */
import type { Command } from 'commander';
import { SdrainError } from '../../errors.js';
import type { CliIO } from '../io.js';
import { readInputFile, writeOutputFile } from '../../app/input-files.js';
import { addExamples } from './help-examples.js';

interface SimOptions {
  from: string;
  kubeconfigOut: string;
  port: string;
  podStartupMs: string;
  maxTerminationMs?: string;
  seed: string;
  faults?: string;
  rbac?: boolean;
  serviceAccount: string;
  serviceAccountKubeconfigOut?: string;
}

function intOption(value: string, flag: string, min: number, max: number): number {
  if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new SdrainError('USAGE', `Cannot use ${flag} "${value}": expected a whole number from ${min} to ${max}`);
  }
  return Number(value);
}

/** The kubeconfig holds a bearer token: written owner-only, whole or not at all. */
function writeKubeconfig(io: CliIO, path: string, text: string): Promise<void> {
  return writeOutputFile(io, path, text, 'kubeconfig', { mode: 0o600 });
}

export function register(program: Command, io: CliIO): void {
  const cmd = program
    .command('sim')
    .description('run a simulated Kubernetes API server (with controllers) loaded from a cluster dump, until interrupted')
    .requiredOption('--from <file>', 'objects as `kubectl get ... -o yaml|json` prints them, or an `sdrain snapshot` file')
    .requiredOption('--kubeconfig-out <file>', 'where to write a kubeconfig for the simulator')
    .option('--port <n>', 'port on 127.0.0.1 (0 = any free port)', '0')
    .option('--max-termination-ms <n>', 'cap on how long a deleted pod stays terminating (default: its whole grace period, as a real kubelet may take)')
    .option('--pod-startup-ms <n>', 'time from a pod being bound until it is Running and Ready', '1000')
    .option('--seed <n>', 'seed for generated names and uids (same seed, same names)', '1')
    .option('--faults <file>', 'inject seeded faults (errors, latency, broken watches, outages, scenarios) as described in a YAML/JSON file')
    .option('--rbac', 'enforce RBAC (ClusterRoles, Roles, bindings created through the API) on every token but the admin one in --kubeconfig-out')
    .option('--service-account-kubeconfig-out <file>', 'also write a kubeconfig for the ServiceAccount --service-account (restricted by RBAC with --rbac)')
    .option('--service-account <ns/name>', 'the ServiceAccount of --service-account-kubeconfig-out', 'kube-system/sdrain')
    .action(async (opts: SimOptions) => runSim(io, opts));
  addExamples(
    cmd,
    [
      ['serve the example cluster; then use kubectl --kubeconfig /tmp/sim.kubeconfig', 'sim --from examples/cluster.yaml --kubeconfig-out /tmp/sim.kubeconfig'],
      ['rehearse on a copy of your cluster (first: sdrain snapshot --out copy.json)', 'sim --from copy.json --kubeconfig-out sim.kubeconfig --pod-startup-ms 3000'],
      ['inject seeded faults (see src/sim/FIDELITY.md)', 'sim --from examples/cluster.yaml --kubeconfig-out sim.kubeconfig --faults faults.yaml'],
    ],
    'Prints one line containing "ready" and the URL on stdout once it serves; stops on Ctrl-C or SIGTERM.',
  );
}

async function runSim(io: CliIO, opts: SimOptions): Promise<void> {
  const port = intOption(opts.port, '--port', 0, 65535);
  const podStartupMs = intOption(opts.podStartupMs, '--pod-startup-ms', 0, 3_600_000);
  const seed = intOption(opts.seed, '--seed', 0, 2 ** 32 - 1);
  const text = await readInputFile(io, opts.from, 'cluster file');
  let faults: import('../../sim/faults/fault-config.js').FaultConfig | undefined;
  if (opts.faults !== undefined) {
    const { parseFaultConfig } = await import('../../sim/faults/fault-config.js');
    faults = parseFaultConfig(await readInputFile(io, opts.faults, 'fault config'), opts.faults);
  }
  const { startSimulator } = await import('../../sim/simulator.js');
  if (opts.serviceAccountKubeconfigOut !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-.a-z0-9]*[a-z0-9])?$/.test(opts.serviceAccount)) {
    throw new SdrainError('USAGE', `Cannot use --service-account "${opts.serviceAccount}": expected NAMESPACE/NAME`);
  }
  const maxTerminationMs = opts.maxTerminationMs === undefined ? undefined : intOption(opts.maxTerminationMs, '--max-termination-ms', 0, 3_600_000);
  const sim = await startSimulator({ text, file: opts.from, port, podStartupMs, ...(maxTerminationMs !== undefined ? { maxTerminationMs } : {}), seed, faults, rbac: opts.rbac === true });
  try {
    for (const w of sim.warnings) io.stderr(`warning: ${w.object ? `${w.object}: ` : ''}${w.message}\n`);
    await writeKubeconfig(io, opts.kubeconfigOut, sim.kubeconfig);
    if (opts.serviceAccountKubeconfigOut !== undefined) {
      await writeKubeconfig(io, opts.serviceAccountKubeconfigOut, sim.credentials({ serviceAccount: opts.serviceAccount }).kubeconfig);
    }
    const objects = sim.store.kinds().reduce((n, k) => n + sim.store.count(k), 0);
    const extra = `${opts.rbac ? '; RBAC enforced' : ''}${opts.serviceAccountKubeconfigOut !== undefined ? `; ServiceAccount ${opts.serviceAccount} kubeconfig ${opts.serviceAccountKubeconfigOut}` : ''}`;
    io.stdout(`sdrain sim ready at ${sim.url} (${objects} objects; kubeconfig ${opts.kubeconfigOut}${extra}; Ctrl-C to stop)\n`);
    if (!io.signal.aborted) await new Promise<void>((r) => io.signal.addEventListener('abort', () => r(), { once: true }));
    if (faults) io.stderr(`sdrain sim: faults injected: ${JSON.stringify(sim.faultCounts())}\n`);
    io.stderr('sdrain sim: stopping\n');
  } finally {
    await sim.stop();
  }
  io.exitCode = 0;
}
