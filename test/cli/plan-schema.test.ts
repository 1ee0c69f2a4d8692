/**
 * schemas/plan.schema.json describes what `sdrain plan` writes: `sdrain show -o json` output
 * validates against it (compiled here from the file, as an editor or another tool would), and
 * the schema's closed lists are the code's.
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync, copyFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, cliIsBuilt, REPO_ROOT } from '../helpers/cli.js';
import { schemaAjv } from '../../src/spec/schema-diagnostics.js';
import { FINDING_CODES } from '../../src/model/plan.js';
import { methodReasonText } from '../../src/plan/method-reason.js';

const schema = JSON.parse(readFileSync(join(REPO_ROOT, 'schemas/plan.schema.json'), 'utf8')) as {
  properties: { findings: { items: { properties: { code: { enum: string[] } } } } };
  definitions: { why: { oneOf: { properties: { code: { const: string } } }[] } };
};
let dir: string;

beforeAll(() => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npm run build` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-schema-'));
  copyFileSync(join(REPO_ROOT, 'examples/cluster.yaml'), join(dir, 'cluster.yaml'));
  copyFileSync(join(REPO_ROOT, 'test/fixtures/format-1/two-waves.maint.yaml'), join(dir, 'maint.yaml'));
  copyFileSync(join(REPO_ROOT, 'examples/maint.yaml'), join(dir, 'blocked.yaml'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('schemas/plan.schema.json', () => {
  it('validates what `sdrain show -o json` prints (an applicable and a blocked plan)', async () => {
    const validate = schemaAjv().compile(schema);
    for (const [spec, code] of [['maint.yaml', 0], ['blocked.yaml', 2]] as const) {
      const planned = await runCli(['plan', '-f', spec, '--snapshot', 'cluster.yaml', '--out', `${spec}.plan.json`], { cwd: dir });
      expect(planned.code, planned.stderr).toBe(code);
      const shown = await runCli(['show', `${spec}.plan.json`, '-o', 'json'], { cwd: dir });
      expect(shown.code, shown.stderr).toBe(0);
      const ok = validate(JSON.parse(shown.stdout));
      expect(validate.errors ?? [], spec).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('lists exactly the finding codes and method reasons sdrain has', () => {
    expect(schema.properties.findings.items.properties.code.enum).toEqual([...FINDING_CODES]);
    const whyCodes = schema.definitions.why.oneOf.map((o) => o.properties.code.const);
    // Every code renders (methodReasonText is exhaustive over the TypeScript union).
    for (const code of whyCodes) expect(typeof methodReasonText({ code, from: 'surge', kind: 'Deployment', override: 1, owner: 'hpa', delete: false } as never)).toBe('string');
    expect(new Set(whyCodes).size).toBe(14);
  });
});
