/**
 * The build precompiles the maintenance-spec validator (scripts/build-validator.mjs) so CLI runs
 * skip compiling the schema. It must judge specs exactly as the validator compiled at run time
 * from the same schema and options. Needs `npm run build` first.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ValidateFunction } from 'ajv';
import { REPO_ROOT } from '../helpers/cli.js';
import { maintenanceSchema, schemaAjv } from '../../src/spec/schema-diagnostics.js';

const FILE = join(REPO_ROOT, 'dist/spec/maintenance-validator.cjs');

describe('precompiled spec validator', () => {
  it('is built and gives the same errors as compiling the schema', () => {
    expect(existsSync(FILE)).toBe(true);
    const pre = createRequire(import.meta.url)(FILE) as ValidateFunction;
    const now = schemaAjv().compile(maintenanceSchema());
    const specs: unknown[] = [
      { apiVersion: 'sdrain.io/v1alpha1', kind: 'Maintenance', metadata: { name: 'ok' }, spec: { nodes: { names: ['a'] } } },
      { apiVersion: 'sdrain.io/v1alpha1', kind: 'Maintenance', metadata: { name: 'x' }, spec: { nodes: { names: [] }, concurrancy: 2, affinity: 'maybe', timeouts: { node: 'soon' } } },
      { apiVersion: 'v2', kind: 'Other', spec: { nodes: { selector: 7 }, workloads: { overrides: [{ kind: 'Pod', method: 'x' }] } } },
      'not a map',
    ];
    for (const spec of specs) {
      const a = pre(spec);
      const b = now(spec);
      expect(a).toBe(b);
      expect(pre.errors ?? null).toEqual(now.errors ?? null);
    }
    expect(specs.map((s) => pre(s))).toEqual([true, false, false, false]);
  });
});
