/**
 * Runs once before the test workers start: extracts the real kubectl so parallel workers never
 * race to extract it while others are already running it.
 */
import { kubectlBinary } from '../bench/lib/kubectl-binary.js';

export async function setup(): Promise<void> {
  await kubectlBinary();
}
