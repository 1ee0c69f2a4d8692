/**
 * One scenario of the real-cluster tier: its own namespace and nodes (names prefixed with the
 * scenario's id, so nothing collides on a shared cluster), a work directory for the spec and the
 * plan, and the CLI binary and the real kubectl pointed at the cluster. Layouts are reached as an
 * operator would — cordoning nodes while a workload scales up — never by writing pods.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import { runCli, SDRAIN_BIN, type CliResult } from '../../helpers/cli.js';
import { runKubectl, type KubectlResult } from '../../helpers/kubectl.js';
import { E2ECluster, deployment, type NodeShape } from './e2e-cluster.js';

export interface BackgroundApply {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export class Scenario {
  readonly cluster: E2ECluster;
  readonly namespace: string;
  readonly dir: string;
  readonly nodes: string[] = [];
  private readonly cacheDir: string;
  private readonly children = new Set<ChildProcess>();

  private constructor(readonly id: string, kubeconfig: string) {
    this.cluster = new E2ECluster(kubeconfig);
    this.namespace = `e2e-${id}`;
    this.dir = mkdtempSync(join(tmpdir(), `sdrain-e2e-${id}-`));
    this.cacheDir = join(this.dir, '.kubectl-cache');
  }

  /**
   * A scenario with its namespace created on the cluster of `kubeconfig` (tests pass
   * `inject('kubeconfig')`); `id` must be a DNS label, unique in the run.
   */
  static async create(id: string, kubeconfig: string): Promise<Scenario> {
    const s = new Scenario(id, kubeconfig);
    await s.cluster.cleanup(id); // leftovers of an earlier, interrupted run
    await s.cluster.createNamespace(id, s.namespace);
    return s;
  }

  get kubeconfig(): string {
    return this.cluster.kubeconfigPath;
  }

  /** The scenario's node called `name` (prefixed with the scenario id). */
  node(name: string): string {
    return `${this.id}-${name}`;
  }

  async addNodes(shapes: Record<string, NodeShape>): Promise<void> {
    const names = Object.keys(shapes).map((n) => this.node(n));
    for (const [name, shape] of Object.entries(shapes)) await this.cluster.createNode(this.id, this.node(name), shape);
    this.nodes.push(...names);
    await this.cluster.waitNodesReady(names);
  }

  /**
   * Creates a Deployment or StatefulSet and steers its pods onto nodes: for each [node, n] in
   * order, every other scenario node is cordoned while the workload scales up by n; then all are
   * uncordoned. Resolves when every pod is serving where it was steered.
   */
  async place(workload: V1Deployment | V1StatefulSet, placement: [string, number][]): Promise<void> {
    const name = workload.metadata!.name!;
    const kind = workload.kind;
    let total = 0;
    const want: Record<string, number> = {};
    for (const [short, n] of placement) {
      const target = this.node(short);
      for (const node of this.nodes) await this.cluster.cordon(node, node !== target);
      total += n;
      want[target] = (want[target] ?? 0) + n;
      if (total === n) {
        const body = { ...workload, spec: { ...workload.spec!, replicas: total } };
        if (kind === 'StatefulSet') await this.cluster.apps.createNamespacedStatefulSet({ namespace: this.namespace, body: body as V1StatefulSet });
        else await this.cluster.apps.createNamespacedDeployment({ namespace: this.namespace, body: body as V1Deployment });
      } else if (kind === 'StatefulSet') await this.cluster.scaleStatefulSet(this.namespace, name, total);
      else await this.cluster.scaleDeployment(this.namespace, name, total);
      await this.cluster.waitReady(this.namespace, `app=${name}`, total, { onNodes: want, timeoutMs: 120_000 });
    }
    for (const node of this.nodes) await this.cluster.cordon(node, false);
  }

  /**
   * The seed article's layout: Deployment nginx, 3 replicas with maxSurge 1 / maxUnavailable 0,
   * 2 of them on worker-1 and 1 on worker-2 (both nodes must exist).
   */
  async placeSeedNginx(o: { startupMs: number; graceSeconds?: number }): Promise<void> {
    await this.place(deployment('nginx', { replicas: 3, startupMs: o.startupMs, ...(o.graceSeconds !== undefined ? { graceSeconds: o.graceSeconds } : {}) }), [
      ['worker-1', 2],
      ['worker-2', 1],
    ]);
  }

  write(file: string, text: string): string {
    const path = join(this.dir, file);
    writeFileSync(path, text);
    return path;
  }

  /** A Maintenance spec draining the scenario's `nodes`, with extra spec lines appended. */
  writeSpec(nodes: string[], extra = '', file = 'maint.yaml'): string {
    const names = nodes.map((n) => `      - ${this.node(n)}\n`).join('');
    return this.write(file, `apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata:\n  name: ${this.id}\nspec:\n  nodes:\n    names:\n${names}${extra}`);
  }

  /** The CLI binary (node bin/sdrain.js), no TTY, in the scenario's directory. */
  sdrain(args: string[], opts: { timeoutMs?: number; env?: Record<string, string> } = {}): Promise<CliResult> {
    return runCli(args, { cwd: this.dir, timeoutMs: opts.timeoutMs ?? 240_000, env: opts.env });
  }

  /** `sdrain plan -f maint.yaml --kubeconfig … --out plan.json`. */
  plan(extraArgs: string[] = [], spec = 'maint.yaml', out = 'plan.json'): Promise<CliResult> {
    return this.sdrain(['plan', '-f', spec, '--kubeconfig', this.kubeconfig, '--out', out, ...extraArgs]);
  }

  apply(extraArgs: string[] = [], plan = 'plan.json', opts: { kubeconfig?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    return this.sdrain(['apply', plan, '--kubeconfig', opts.kubeconfig ?? this.kubeconfig, ...extraArgs], { timeoutMs: opts.timeoutMs });
  }

  /** `sdrain apply` in the background (to be killed or raced); killed at cleanup if still running. */
  applyInBackground(extraArgs: string[] = [], plan = 'plan.json'): BackgroundApply {
    const child = spawn(process.execPath, [SDRAIN_BIN, 'apply', plan, '--kubeconfig', this.kubeconfig, ...extraArgs], {
      cwd: this.dir,
      env: { PATH: process.env.PATH, HOME: this.dir, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.children.add(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
    return { child, stdout: () => out, stderr: () => err, done };
  }

  kubectl(args: string[], opts: { timeoutMs?: number; input?: string } = {}): Promise<KubectlResult> {
    return runKubectl(args, { kubeconfig: this.kubeconfig, cacheDir: this.cacheDir, timeoutMs: opts.timeoutMs ?? 120_000, input: opts.input });
  }

  async cleanup(): Promise<void> {
    for (const c of this.children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    // A Lease left by a killed apply would make the next scenario wait; it is the suite's own.
    await this.cluster.coordination.deleteNamespacedLease({ namespace: 'kube-system', name: 'sdrain-apply' }).catch(() => undefined);
    await this.cluster.cleanup(this.id);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
