/** The IO the CLI injects into every command: defined in src/app (shared with the demo). */
export type { CliIO } from '../app/io.js';
