/**
 * `sdrain apply PLAN`: execute exactly the reviewed plan. Refuses before any change (exit 3)
 * when the file was edited, the digest is not the expected one, the plan is blocked, the
 * window is closed, the cluster is another one, another apply holds the lock, or the cluster
 * drifted (shown as a diff). Then runs wave by wave with live progress (TTY) or timestamped
 * lines (stderr), optional NDJSON events, and a summary. Exit 0 done (or already applied),
 * 1 failed during execution, 3 refused, 130 interrupted. Re-running resumes.
 *
 * This file is also the CLI edge for the apply runtime: wall clock, afterEach runner, lease lock.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { hostname } from 'node:os';
import { resolve as resolvePath } from 'node:path';

import type { KubeConfig } from '@kubernetes/client-node';
import type { ApplyLock, RunCommand } from '../apply/apply-deps.js';
import { wallClock, wallSleep } from '../apply/wall-clock.js';
import type { ApplyEvent } from '../apply/apply-event.js';
import { applyPlan } from '../apply/apply-plan.js';
import { connect } from '../cluster/connect.js';
import { createKubeGateway } from '../cluster/kube-gateway.js';
import type { ClusterGateway } from '../cluster/cluster-gateway.js';
import { createEventRecorder } from '../cluster/event-recorder.js';
import { acquireLeaseLock } from '../cluster/lease-lock.js';
import { requireAccess } from '../cluster/access-review.js';
import { readLiveSnapshot } from '../cluster/read-snapshot.js';
import { SdrainError } from '../errors.js';
import { plan as computePlan } from '../plan/plan.js';
import { readPlan } from '../planfile/read-plan.js';
import { createLiveState, reduceLive, renderLive } from '../render/apply-live-view.js';
import { formatEventNdjson } from '../render/apply-events-ndjson.js';
import { formatProgressLine } from '../render/apply-progress-lines.js';
import { renderApplySummary } from '../render/apply-summary.js';
import { parseDuration } from '../spec/parse-duration.js';
import type { Plan } from '../model/plan.js';
import type { CliIO } from './io.js';
import { formatError } from '../render/format-error.js';
import { readInputFile, writeOutputFile } from './input-files.js';
import { renderApplyReport } from '../render/apply-report.js';
import { TOOL_VERSION } from '../version.js';



/** The options of `sdrain apply` (commander's parse of them). */
export interface ApplyCliOptions {
  kubeconfig?: string;
  context?: string;
  expectDigest?: string;
  lockTimeout: string;
  lockNamespace: string;
  lockDuration: string;
  events?: string;
  /** --report FILE: the HTML report of the apply. */
  report?: string;
}

/**
 * The cluster gateway apply, uncordon and the demo use: wall-clock retries, Ctrl-C through the
 * IO's signal, and the same live read (and the same apply-scoped permission hints) as `sdrain plan`.
 */
export function applyGateway(io: Pick<CliIO, 'signal'>, kc: KubeConfig, server: string): ClusterGateway {
  return createKubeGateway({
    kc,
    server,
    readSnapshot: (k) => readLiveSnapshot(k, { server, signal: io.signal, sleep: wallSleep, scope: 'apply' }),
    signal: io.signal,
    sleep: wallSleep,
  });
}

export async function runApply(io: CliIO, file: string, opts: ApplyCliOptions): Promise<void> {
  const plan = readPlan(await readInputFile(io, file, 'plan file'), file);
  // Every in-flight request and wait listens to the signal; dozens at once are expected.
  setMaxListeners(0, io.signal);
  const lockTimeout = durationOption(opts.lockTimeout, '--lock-timeout');
  const lockDuration = Math.max(1, durationOption(opts.lockDuration, '--lock-duration'));
  const { kc, server } = connect({ kubeconfig: opts.kubeconfig, context: opts.context, env: io.env, cwd: io.cwd });
  const gateway = applyGateway(io, kc, server);
  // Every permission apply needs, checked before anything is changed (rbac helper: src/cluster/access-review.ts).
  await requireAccess(kc, 'apply', { lockNamespace: opts.lockNamespace, file, signal: io.signal });

  const sink = openEventSink(io, opts.events);
  const view = progressView(io, plan, opts.events === '-');
  // --report: the events are kept and drawn at the end, whatever the outcome.
  const recorded: ApplyEvent[] | undefined = opts.report !== undefined ? [] : undefined;
  try {
    const result = await applyPlan(
      plan,
      { file, expectDigest: opts.expectDigest },
      {
        gateway,
        clock: wallClock,
        lock: makeLeaseLock(kc, { namespace: opts.lockNamespace, timeoutSeconds: lockTimeout, durationSeconds: lockDuration, digest: plan.digest }),
        replan: (spec, snapshot) => computePlan(spec, snapshot, { toolVersion: TOOL_VERSION }),
        toolVersion: TOOL_VERSION,
        runCommand: makeRunCommand(io.env, io.cwd),
        recordEvent: createEventRecorder(kc, { instance: `sdrain@${hostname()}`, signal: io.signal }),
        onEvent: (e) => {
          recorded?.push(e);
          sink?.write(e);
          view.event(e);
        },
        signal: io.signal,
      },
    );
    view.close();
    const summary = renderApplySummary(result, { color: io.color });
    if (opts.events === '-') io.stderr(summary);
    else io.stdout(summary);
    if (result.error) {
      io.stderr(formatError(result.error, { color: io.color, command: 'apply', version: TOOL_VERSION, debug: Boolean(io.env.SDRAIN_DEBUG) && io.env.SDRAIN_DEBUG !== '0' }));
      io.exitCode = result.status === 'interrupted' ? 130 : 1;
    }
  } finally {
    view.close();
    await sink?.close();
    if (recorded && recorded.length > 0) await writeReport(io, opts.report!, recorded, plan);
  }
}

/** --report: a failure to write it is a warning; the apply's own outcome stands. */
async function writeReport(io: CliIO, target: string, events: ApplyEvent[], plan: Plan): Promise<void> {
  try {
    await writeOutputFile(io, target, renderApplyReport(events, plan, { toolVersion: TOOL_VERSION }), 'report');
    io.stderr(`Report: ${resolvePath(io.cwd, target)}\n`);
  } catch (err) {
    io.stderr(`warning: cannot write the report ${target}: ${(err as Error).message}\n`);
  }
}

/** --events: NDJSON to a file (truncated) or stdout. */
function openEventSink(io: CliIO, target: string | undefined): { write(e: ApplyEvent): void; close(): Promise<void> } | undefined {
  if (target === undefined) return undefined;
  if (target === '-') return { write: (e) => io.stdout(formatEventNdjson(e)), close: async () => undefined };
  const stream: WriteStream = createWriteStream(resolvePath(io.cwd, target), { flags: 'w' });
  let failed: Error | undefined;
  stream.on('error', (err) => (failed = err));
  return {
    write: (e) => {
      if (!failed) stream.write(formatEventNdjson(e));
    },
    close: () =>
      new Promise<void>((res) => {
        stream.end(() => res());
        if (failed) {
          io.stderr(`warning: cannot write events to ${target}: ${failed.message}\n`);
          res();
        }
      }),
  };
}

/** Live redrawn view on a TTY; timestamped lines on stderr otherwise. */
function progressView(io: CliIO, plan: Plan, stdoutIsEvents: boolean): { event(e: ApplyEvent): void; close(): void } {
  if (!io.isTTY || stdoutIsEvents) {
    return { event: (e) => io.stderr(formatProgressLine(e)), close: () => undefined };
  }
  const state = createLiveState(plan);
  let drawn = 0;
  let closed = false;
  const draw = () => {
    const columns = process.stderr.columns;
    const frame = renderLive(state, Date.now(), columns && columns > 40 ? columns - 1 : 120);
    io.stderr((drawn > 0 ? `\u001b[${drawn}A\u001b[J` : '') + frame);
    drawn = frame.split('\n').length - 1;
  };
  const timer = setInterval(draw, 1000);
  return {
    event: (e) => {
      if (closed) return;
      if (e.type === 'after-each-output') {
        // Command output scrolls above the live block.
        io.stderr((drawn > 0 ? `\u001b[${drawn}A\u001b[J` : '') + formatProgressLine(e));
        drawn = 0;
      } else {
        reduceLive(state, e);
      }
      draw();
    },
    close: () => {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      draw();
    },
  };
}

/** Runs a command without a shell; output is passed on as it arrives. */
export function makeRunCommand(baseEnv: Record<string, string | undefined>, cwd: string): RunCommand {
  return (command, env, onOutput, signal) =>
    new Promise<number>((resolve) => {
      const [file, ...args] = command;
      if (!file) return resolve(0);
      const child = spawn(file, args, { cwd, env: { ...baseEnv, ...env } as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.setEncoding('utf8').on('data', (d: string) => onOutput('stdout', d));
      child.stderr.setEncoding('utf8').on('data', (d: string) => onOutput('stderr', d));
      const onAbort = () => child.kill('SIGTERM');
      signal.addEventListener('abort', onAbort, { once: true });
      child.on('error', (err) => {
        onOutput('stderr', `cannot run ${file}: ${err.message}\n`);
        signal.removeEventListener('abort', onAbort);
        resolve(127);
      });
      child.on('close', (code, sig) => {
        signal.removeEventListener('abort', onAbort);
        resolve(code ?? (sig ? 128 + 15 : 1));
      });
    });
}

/** Who holds the lock, as shown to a waiting apply: host, pid and a random suffix. */
export function lockHolderIdentity(): string {
  return `${hostname()}/pid-${process.pid}/${randomBytes(3).toString('hex')}`;
}

/** A duration option (`30s`, `2m`), in seconds; USAGE error naming the option otherwise. */
export function durationOption(value: string, option: string): number {
  const s = parseDuration(value);
  if (s === undefined) throw new SdrainError('USAGE', `Cannot use ${option} "${value}": expected a duration like 30s, 2m or 1h`);
  return s;
}

export function makeLeaseLock(kc: KubeConfig, opts: { namespace: string; timeoutSeconds: number; durationSeconds: number; digest?: string }): ApplyLock {
  return {
    acquire: (signal) =>
      acquireLeaseLock({
        kc,
        namespace: opts.namespace,
        holder: lockHolderIdentity(),
        digest: opts.digest,
        durationSeconds: opts.durationSeconds,
        now: () => Date.now(),
        timeoutMs: opts.timeoutSeconds * 1000,
        signal,
      }),
  };
}
