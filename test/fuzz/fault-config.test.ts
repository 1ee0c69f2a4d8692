/**
 * The simulator's fault config is user input too: damaged configs give an InputError listing
 * the problems, never another exception.
 */
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { SdrainError } from '../../src/errors.js';
import { formatError } from '../../src/render/format-error.js';
import { parseFaultConfig, type FaultConfig } from '../../src/sim/faults/fault-config.js';
import { mutateDoc, mutateText, rng } from './mutate.js';

const BASE: FaultConfig = {
  seed: 7,
  errors: [{ rate: 0.1, verbs: ['get', 'patch'], codes: [500, 503] }],
  lostResponses: [{ verbs: ['patch'], rate: 0.05 }],
  latency: [{ minMs: 0, maxMs: 20 }],
  watch: { breakRate: 0.2, endRate: 0.1, minMs: 100, maxMs: 900, goneRate: 0.3 },
  unreachable: [{ fromMs: 1000, forMs: 500 }],
  scenarios: {
    nodeNotReady: [{ node: 'worker-2', atMs: 100 }],
    scale: [{ kind: 'Deployment', namespace: 'default', name: 'nginx', atMs: 10, replicas: 4 }],
    stuckEvictions: [{ namespace: 'default', labels: { app: 'nginx' }, fromMs: 0, forMs: 100 }],
  },
};

describe('fuzz: fault config', () => {
  it('accepts the base and fails cleanly on 400 mutants', () => {
    const text = stringify(BASE);
    expect(parseFaultConfig(text, 'faults.yaml')).toMatchObject({ seed: 7 });
    const r = rng(404);
    const bugs: string[] = [];
    for (let i = 0; i < 400; i++) {
      const input = i % 2 ? mutateText(text, r) : stringify(mutateDoc(BASE, r));
      try {
        parseFaultConfig(input, 'faults.yaml');
      } catch (err) {
        if (!(err instanceof SdrainError)) bugs.push(`${(err as Error).constructor.name}: ${(err as Error).message} for ${input.slice(0, 200)}`);
        else if (/^\s{4}at /m.test(formatError(err))) bugs.push(`stack trace for ${input.slice(0, 200)}`);
      }
    }
    expect(bugs).toEqual([]);
  });
});
