#!/usr/bin/env node
// kubectl plugin entry: `kubectl sdrain ...` runs this with the same arguments.
import { main } from '../dist/cli/main.js';

main(process.argv.slice(2), 'kubectl sdrain');
