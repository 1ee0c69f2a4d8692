/** The machine a benchmark ran on, for RESULTS.md: CPUs, memory, CPU model, Node version. */
import { cpus, totalmem } from 'node:os';
import { readFileSync } from 'node:fs';

export function machineMarkdown(): string {
  let model = cpus()[0]?.model ?? 'unknown';
  try {
    model = /model name\s*:\s*(.*)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? model;
  } catch {
    // not Linux: os.cpus() is good enough
  }
  return `Machine: ${cpus().length} CPUs (${model}), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, Node ${process.version}, ${process.platform}/${process.arch}.\n`;
}
