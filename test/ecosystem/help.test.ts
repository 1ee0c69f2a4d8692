/**
 * Terminal manners: every command's --help ends with examples written with the name the
 * program runs as (and whose flags exist), colour appears only on a terminal and never with
 * NO_COLOR or TERM=dumb, and output without a terminal is plain lines. The help checks build
 * the real commander program in process; the terminal checks run the built binary under
 * `script` (util-linux), which gives it a pseudo-terminal.
 */
import { describe, it, expect } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { buildProgram } from '../../src/cli/main.js';
import type { CliIO } from '../../src/cli/io.js';
import { REPO_ROOT, SDRAIN_BIN, cliIsBuilt, runCli } from '../helpers/cli.js';
import { startTestSim } from '../helpers/sim.js';
import { demoCluster } from '../../src/demo/demo-cluster.js';

function fakeIo(out: string[]): CliIO {
  return {
    stdout: (s) => out.push(s),
    stderr: (s) => out.push(s),
    isTTY: false,
    color: false,
    env: {},
    cwd: REPO_ROOT,
    exitCode: 0,
    signal: new AbortController().signal,
  };
}

/** The help text of `name [cmd] --help`, as printed. */
async function helpOf(name: string, cmd?: string): Promise<string> {
  const out: string[] = [];
  const program = buildProgram(fakeIo(out), name);
  await expect(program.parseAsync([...(cmd ? [cmd] : []), '--help'], { from: 'user' })).rejects.toMatchObject({ code: 'commander.helpDisplayed' });
  return out.join('');
}

function commands(): Command[] {
  return buildProgram(fakeIo([])).commands.filter((c) => c.name() !== 'help');
}

describe('--help', () => {
  it('lists the commands, with examples', async () => {
    const top = await helpOf('sdrain');
    for (const c of commands()) expect(top).toMatch(new RegExp(`^  ${c.name()}\\b`, 'm'));
    expect(top).toContain('\nExamples:\n');
    expect(top).toContain('$ sdrain plan -f');
  });

  it('every command ends with an Examples section whose examples use existing flags', async () => {
    const cmds = commands();
    expect(cmds.map((c) => c.name())).toEqual(expect.arrayContaining(['plan', 'show', 'snapshot', 'apply', 'uncordon', 'unlock', 'sim', 'demo']));
    for (const c of cmds) {
      const help = await helpOf('sdrain', c.name());
      expect(help, `sdrain ${c.name()} --help`).toMatch(/\nExamples:\n {2}# .+\n {2}\$ sdrain /);
      const examples = help.slice(help.indexOf('\nExamples:\n')).split('\n').filter((l) => l.startsWith('  $ '));
      expect(examples.length, c.name()).toBeGreaterThanOrEqual(2);
      const known = new Set(c.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
      for (const line of examples) {
        const [, , sub, ...rest] = line.trim().split(/\s+/);
        // An example may show another command (e.g. snapshot → plan): check against that one.
        const target = cmds.find((x) => x.name() === sub);
        expect(target, line).toBeDefined();
        const flags = new Set(target!.options.flatMap((o) => [o.long, o.short]).filter(Boolean));
        for (const tok of rest) {
          if (tok === '>' || tok === '|' || tok === '&&') break;
          if (tok.startsWith('-')) expect(flags.has(tok) || known.has(tok), `${line}: unknown flag ${tok}`).toBe(true);
        }
      }
    }
  });

  it('through the kubectl plugin entry the usage and examples say `kubectl sdrain`', async () => {
    const help = await helpOf('kubectl sdrain', 'apply');
    expect(help).toMatch(/^Usage: kubectl sdrain apply \[options\] <plan>/);
    expect(help).toContain('  $ kubectl sdrain apply plan.json --expect-digest sha256:');
    expect(help).not.toMatch(/\$ sdrain /);
  });
});

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
const ESC = '\u001b[';

/** Runs the binary in a pseudo-terminal (stdout and stderr are the terminal). */
function runInTerminal(args: string[], env: Record<string, string>, timeoutMs = 30_000): Promise<string> {
  const line = [process.execPath, SDRAIN_BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', line, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { PATH: process.env.PATH, HOME: REPO_ROOT, TERM: 'xterm-256color', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (out += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out: ${line}\n${out}`));
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

describe('colour and terminals', () => {
  // A blocked plan: the table has red errors and green/red fits.
  const planArgs = ['plan', '-f', join(REPO_ROOT, 'examples/maint.yaml'), '--snapshot', join(REPO_ROOT, 'examples/cluster.yaml'), '--out', '/dev/null'];

  it.skipIf(!hasScript)('colour on a terminal; none with NO_COLOR or TERM=dumb', async () => {
    expect(cliIsBuilt()).toBe(true);
    const [tty, noColor, dumb] = await Promise.all([
      runInTerminal(planArgs, {}),
      runInTerminal(planArgs, { NO_COLOR: '1' }),
      runInTerminal(planArgs, { TERM: 'dumb' }),
    ]);
    expect(tty).toContain('Wave 1: worker-1');
    expect(tty).toContain(ESC);
    for (const plain of [noColor, dumb]) {
      expect(plain).toContain('Wave 1: worker-1');
      expect(plain).not.toContain('\u001b');
    }
    // NO_COLOR counts when set at all, even empty (https://no-color.org).
    expect(await runInTerminal(planArgs, { NO_COLOR: '' })).not.toContain('\u001b');
  });

  it('no colour without a terminal, even when NO_COLOR is unset (CI, pipes, files)', async () => {
    expect(cliIsBuilt()).toBe(true);
    const r = await runCli(planArgs, { cwd: REPO_ROOT, env: { NO_COLOR: undefined, CI: 'true', TERM: 'xterm-256color' } });
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('Wave 1: worker-1');
    expect(r.stdout + r.stderr).not.toContain('\u001b');
    // Errors say what to do, on plain lines.
    const missing = await runCli(['show', 'no-such-plan.json'], { cwd: REPO_ROOT, env: { NO_COLOR: undefined } });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error: .*no-such-plan\.json/m);
    expect(missing.stderr).not.toContain('\u001b');
    expect(missing.stderr).not.toMatch(/\n\s+at /);
  });

  it.skipIf(!hasScript)('apply redraws live progress on a terminal, but prints plain lines when CI is set', async () => {
    expect(cliIsBuilt()).toBe(true);
    const file = join(REPO_ROOT, 'examples/cluster.yaml');
    const objects = demoCluster(readFileSync(file, 'utf8'), file).objects;
    const sims = await Promise.all([startTestSim({ objects, podStartupMs: 1500 }), startTestSim({ objects, podStartupMs: 1500 })]);
    const dir = mkdtempSync(join(tmpdir(), 'sdrain-tty-'));
    try {
      const outputs = await Promise.all(
        sims.map(async (sim, i) => {
          const planFile = join(dir, `plan-${i}.json`);
          const planned = await runCli(['plan', '-f', join(REPO_ROOT, 'examples/demo-maint.yaml'), '--kubeconfig', sim.kubeconfigPath, '--out', planFile], { cwd: dir });
          expect(planned.code).toBe(0);
          // The first in a plain terminal (CI unset), the second as a CI runner with a pseudo-terminal.
          return runInTerminal(['apply', planFile, '--kubeconfig', sim.kubeconfigPath], i === 0 ? { NO_COLOR: '1' } : { NO_COLOR: '1', CI: 'true' }, 120_000);
        }),
      );
      const [terminal, ci] = outputs as [string, string];
      // Live view: the cursor moves up to redraw the frame.
      expect(terminal).toMatch(/\u001b\[\d+A\u001b\[J/);
      // CI: no cursor movement, one timestamped line per event, the same summary.
      expect(ci).not.toContain('\u001b[');
      expect(ci).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z wave 1: done in /m);
      for (const out of [terminal, ci]) expect(out).toMatch(/min ready/i);
    } finally {
      await Promise.all(sims.map((s) => s.stop()));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
