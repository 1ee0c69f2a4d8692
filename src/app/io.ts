/**
 * What a command may touch of the outside world, injected by src/cli/main.ts so commands are
 * testable and nothing below the CLI reads `process` directly.
 */
export interface CliIO {
  /** Machine-readable output (plans, JSON). */
  stdout(text: string): void;
  /** Progress, warnings and errors. */
  stderr(text: string): void;
  /** True when stdout/stderr is an interactive terminal (live progress, colour). */
  isTTY: boolean;
  /** Colour allowed: a TTY and no NO_COLOR. */
  color: boolean;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Set by a command to choose the process exit code (default 0). */
  exitCode: number;
  /** Resolves when SIGINT/SIGTERM arrives; commands that run long race against it. */
  signal: AbortSignal;
}
