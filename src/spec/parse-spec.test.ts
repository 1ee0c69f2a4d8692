import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, type Diagnostic } from '../errors.js';
import { parseSpec, SPEC_DEFAULTS } from './parse-spec.js';
import { maintenanceSchema } from './schema-diagnostics.js';

const HEAD = 'apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata:\n  name: m\nspec:\n';

/** A spec whose `spec:` body is `body` (already indented by two spaces). */
function withSpec(body: string): string {
  return HEAD + body;
}

function problems(text: string): Diagnostic[] {
  try {
    parseSpec(text, 'maint.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    const err = e as InputError;
    expect(err.code).toBe('SPEC_INVALID');
    return err.diagnostics;
  }
  throw new Error('expected the spec to be refused');
}

describe('parseSpec: valid specs and defaults', () => {
  it('fills every default', () => {
    const spec = parseSpec(withSpec('  nodes:\n    names: [worker-1]\n'), 'maint.yaml');
    expect(spec).toEqual({
      apiVersion: 'sdrain.io/v1alpha1',
      kind: 'Maintenance',
      metadata: { name: 'm' },
      spec: {
        nodes: { names: ['worker-1'] },
        order: 'listed',
        concurrency: 1,
        affinity: 'fail',
        workloads: { deployment: 'surge', statefulSet: 'evict', unmanaged: 'fail', localStorage: 'fail', overrides: [] },
        timeouts: { workloadSeconds: 600, nodeSeconds: 1800 },
      },
    });
  });

  it('keeps the defaults in the schema in step with SPEC_DEFAULTS', () => {
    const s = maintenanceSchema() as { properties: { spec: { properties: Record<string, { default?: unknown; properties?: Record<string, { default?: unknown }> }> } } };
    const p = s.properties.spec.properties;
    expect(p.order!.default).toBe(SPEC_DEFAULTS.order);
    expect(p.concurrency!.default).toBe(SPEC_DEFAULTS.concurrency);
    expect(p.affinity!.default).toBe(SPEC_DEFAULTS.affinity);
    expect(p.workloads!.properties!.deployment!.default).toBe(SPEC_DEFAULTS.deployment);
    expect(p.workloads!.properties!.statefulSet!.default).toBe(SPEC_DEFAULTS.statefulSet);
    expect(p.workloads!.properties!.unmanaged!.default).toBe(SPEC_DEFAULTS.unmanaged);
    expect(p.workloads!.properties!.localStorage!.default).toBe(SPEC_DEFAULTS.localStorage);
    expect(p.timeouts!.properties!.workload!.default).toBe(SPEC_DEFAULTS.workloadTimeout);
    expect(p.timeouts!.properties!.node!.default).toBe(SPEC_DEFAULTS.nodeTimeout);
    expect(p.afterEach!.properties!.uncordon!.default).toBe(SPEC_DEFAULTS.uncordon);
  });

  it.each([
    ['selector only, trimmed', '  nodes:\n    selector: " node-role.kubernetes.io/worker "\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.nodes).toEqual({ names: [], selector: 'node-role.kubernetes.io/worker' });
    }],
    ['every field set', [
      '  nodes: {names: [b, a], selector: "zone in (x,y)"}',
      '  order: zone',
      '  concurrency: 2',
      '  affinity: skip',
      '  workloads: {deployment: roll, statefulSet: roll, unmanaged: delete, localStorage: delete}',
      '  timeouts: {workload: 1h30m, node: 2h}',
      '',
    ].join('\n'), (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.nodes).toEqual({ names: ['b', 'a'], selector: 'zone in (x,y)' });
      expect(s.spec.order).toBe('zone');
      expect(s.spec.concurrency).toBe(2);
      expect(s.spec.affinity).toBe('skip');
      expect(s.spec.workloads).toEqual({ deployment: 'roll', statefulSet: 'roll', unmanaged: 'delete', localStorage: 'delete', overrides: [] });
      expect(s.spec.timeouts).toEqual({ workloadSeconds: 5400, nodeSeconds: 7200 });
    }],
    ['overrides keep their order; name is optional', [
      '  nodes: {names: [a]}',
      '  workloads:',
      '    overrides:',
      '      - {kind: Deployment, namespace: shop, name: api, method: roll}',
      '      - {kind: Deployment, namespace: shop, method: evict}',
      '      - {kind: StatefulSet, namespace: data, method: roll}',
      '',
    ].join('\n'), (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.workloads.overrides).toEqual([
        { kind: 'Deployment', namespace: 'shop', name: 'api', method: 'roll' },
        { kind: 'Deployment', namespace: 'shop', method: 'evict' },
        { kind: 'StatefulSet', namespace: 'data', method: 'roll' },
      ]);
    }],
    ['window instants are normalised to UTC seconds', '  nodes: {names: [a]}\n  window:\n    notBefore: 2026-03-14T01:00:00.750+01:00\n    notAfter: "2026-03-14t05:00:00z"\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.window).toEqual({ notBefore: '2026-03-14T00:00:00Z', notAfter: '2026-03-14T05:00:00Z' });
    }],
    ['only one window bound', '  nodes: {names: [a]}\n  window: {notAfter: "2026-03-14T05:00:00Z"}\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.window).toEqual({ notAfter: '2026-03-14T05:00:00Z' });
    }],
    ['afterEach uncordons by default', '  nodes: {names: [a]}\n  afterEach:\n    command: [./patch.sh, ""]\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.afterEach).toEqual({ command: ['./patch.sh', ''], uncordon: true });
    }],
    ['afterEach.expectedDuration feeds the estimate', '  nodes: {names: [a]}\n  afterEach: {command: [reboot], expectedDuration: 5m30s}\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.afterEach).toEqual({ command: ['reboot'], uncordon: true, expectedSeconds: 330 });
    }],
    ['estimate.shutdown and its overrides, in order, durations in seconds', [
      '  nodes: {names: [a]}',
      '  estimate:',
      '    shutdown: whole-grace',
      '    overrides:',
      '      - {kind: Deployment, namespace: shop, name: api, shutdown: 1m30s}',
      '      - {namespace: shop, shutdown: graceful}',
      '',
    ].join('\n'), (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.estimate).toEqual({
        shutdown: { model: 'whole-grace' },
        overrides: [
          { kind: 'Deployment', namespace: 'shop', name: 'api', shutdown: { model: 'duration', seconds: 90 } },
          { namespace: 'shop', shutdown: { model: 'graceful' } },
        ],
      });
    }],
    ['estimate with overrides only has no global shutdown', '  nodes: {names: [a]}\n  estimate: {overrides: [{namespace: d, shutdown: 0s}]}\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.estimate).toEqual({ overrides: [{ namespace: 'd', shutdown: { model: 'duration', seconds: 0 } }] });
    }],
    ['afterEach may keep the node cordoned', '  nodes: {names: [a]}\n  afterEach: {command: [reboot], uncordon: false}\n', (s: ReturnType<typeof parseSpec>) => {
      expect(s.spec.afterEach).toEqual({ command: ['reboot'], uncordon: false });
    }],
  ])('%s', (_name, body, check) => {
    check(parseSpec(withSpec(body), 'maint.yaml'));
  });

  it('parses the shipped examples', () => {
    const ex = parseSpec(readFileSync(new URL('../../examples/maint.yaml', import.meta.url), 'utf8'), 'examples/maint.yaml');
    expect(ex.spec.nodes.names).toEqual(['worker-1', 'worker-2']);
    expect(ex.spec.workloads.overrides).toEqual([{ kind: 'Deployment', namespace: 'shop', name: 'api', method: 'roll' }]);
    const seed = parseSpec(readFileSync(new URL('../../test/fixtures/seed-article-maint.yaml', import.meta.url), 'utf8'), 'seed-article-maint.yaml');
    expect(seed.spec.nodes.names).toEqual(['worker-1']);
    expect(seed.spec.workloads.deployment).toBe('surge');
  });

  it('does not depend on key order', () => {
    const a = parseSpec(withSpec('  nodes: {names: [a]}\n  concurrency: 2\n  order: name\n'), 'x');
    const b = parseSpec('spec:\n  order: name\n  concurrency: 2\n  nodes: {names: [a]}\nmetadata: {name: m}\nkind: Maintenance\napiVersion: sdrain.io/v1alpha1\n', 'x');
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });
});

describe('parseSpec: one problem each', () => {
  it.each<[string, string, string, RegExp]>([
    ['unknown top-level field', '  nodes: {names: [a]}\n  concurrancy: 2\n', 'spec.concurrancy', /unknown field "concurrancy" \(did you mean "concurrency"\?\)/],
    ['enum lists allowed values', '  nodes: {names: [a]}\n  workloads: {deployment: drain}\n', 'spec.workloads.deployment', /must be one of roll, surge, evict \(got "drain"\)/],
    ['order enum', '  nodes: {names: [a]}\n  order: random\n', 'spec.order', /must be one of listed, name, zone/],
    ['affinity enum', '  nodes: {names: [a]}\n  affinity: ignore\n', 'spec.affinity', /must be one of fail, evict, skip/],
    ['statefulSet enum', '  nodes: {names: [a]}\n  workloads: {statefulSet: surge}\n', 'spec.workloads.statefulSet', /must be one of evict, roll/],
    ['concurrency ≥ 1', '  nodes: {names: [a]}\n  concurrency: 0\n', 'spec.concurrency', /must be at least 1/],
    ['concurrency is whole', '  nodes: {names: [a]}\n  concurrency: 1.5\n', 'spec.concurrency', /must be a whole number/],
    ['no nodes at all', '  nodes: {}\n', 'spec.nodes', /must set "names", "selector" or both/],
    ['empty names and no selector', '  nodes: {names: []}\n', 'spec.nodes', /must set "names", "selector" or both/],
    ['duplicate node names', '  nodes: {names: [a, b, a]}\n', 'spec.nodes.names[2]', /node "a" is already listed at spec\.nodes\.names\[0\]/],
    ['number as node name', '  nodes: {names: [10]}\n', 'spec.nodes.names[0]', /must be a string, not 10 \(put it in quotes: "10"\)/],
    ['bad selector', '  nodes: {selector: "zone in x"}\n', 'spec.nodes.selector', /is not a valid label selector: expected "\(" after "in"/],
    ['empty selector', '  nodes: {selector: "  "}\n', 'spec.nodes.selector', /must not be empty: an empty selector matches every node/],
    ['bad duration', '  nodes: {names: [a]}\n  timeouts: {node: 5 minutes}\n', 'spec.timeouts.node', /must be a duration such as 30s, 5m, 1h30m or 2h/],
    ['numeric duration', '  nodes: {names: [a]}\n  timeouts: {node: 300}\n', 'spec.timeouts.node', /must be a string, not 300/],
    ['zero duration', '  nodes: {names: [a]}\n  timeouts: {workload: 0m}\n', 'spec.timeouts.workload', /must be longer than 0s/],
    ['window without zone', '  nodes: {names: [a]}\n  window: {notBefore: "2026-03-01T02:00:00"}\n', 'spec.window.notBefore', /must be an RFC 3339 date-time with a time zone/],
    ['window order', '  nodes: {names: [a]}\n  window: {notBefore: "2026-03-01T02:00:00Z", notAfter: "2026-03-01T03:00:00+01:00"}\n', 'spec.window.notAfter', /must be after notBefore \(2026-03-01T02:00:00Z\), got 2026-03-01T02:00:00Z/],
    ['afterEach without command', '  nodes: {names: [a]}\n  afterEach: {uncordon: true}\n', 'spec.afterEach.command', /required field "command" is missing/],
    ['afterEach empty command', '  nodes: {names: [a]}\n  afterEach: {command: []}\n', 'spec.afterEach.command', /must not be an empty list/],
    ['afterEach empty program', '  nodes: {names: [a]}\n  afterEach: {command: [""]}\n', 'spec.afterEach.command[0]', /must name a program/],
    ['afterEach command as a string', '  nodes: {names: [a]}\n  afterEach: {command: "reboot now"}\n', 'spec.afterEach.command', /must be a list/],
    ['uncordon yes', '  nodes: {names: [a]}\n  afterEach: {command: [x], uncordon: yes}\n', 'spec.afterEach.uncordon', /must be true or false, not "yes"/],
    ['override for a StatefulSet cannot surge', '  nodes: {names: [a]}\n  workloads:\n    overrides: [{kind: StatefulSet, namespace: d, method: surge}]\n', 'spec.workloads.overrides[0].method', /must be one of evict, roll for a StatefulSet/],
    ['override kind', '  nodes: {names: [a]}\n  workloads:\n    overrides: [{kind: DaemonSet, namespace: d, method: roll}]\n', 'spec.workloads.overrides[0].kind', /must be one of Deployment, StatefulSet/],
    ['override without namespace', '  nodes: {names: [a]}\n  workloads:\n    overrides: [{kind: Deployment, method: roll}]\n', 'spec.workloads.overrides[0].namespace', /required field "namespace" is missing/],
    ['estimate.shutdown value', '  nodes: {names: [a]}\n  estimate: {shutdown: whole_grace}\n', 'spec.estimate.shutdown', /must be graceful, whole-grace or a duration such as 20s or 1m30s \(got "whole_grace"\)/],
    ['estimate.shutdown as a number', '  nodes: {names: [a]}\n  estimate: {shutdown: 20}\n', 'spec.estimate.shutdown', /must be a string, not 20/],
    ['estimate unknown field', '  nodes: {names: [a]}\n  estimate: {shutdwn: graceful}\n', 'spec.estimate.shutdwn', /unknown field "shutdwn" \(did you mean "shutdown"\?\)/],
    ['estimate override without shutdown', '  nodes: {names: [a]}\n  estimate:\n    overrides: [{namespace: d}]\n', 'spec.estimate.overrides[0].shutdown', /required field "shutdown" is missing/],
    ['estimate override kind', '  nodes: {names: [a]}\n  estimate:\n    overrides: [{kind: Job, namespace: d, shutdown: 5s}]\n', 'spec.estimate.overrides[0].kind', /must be one of Deployment, StatefulSet/],
    ['estimate override duration', '  nodes: {names: [a]}\n  estimate:\n    overrides: [{namespace: d, shutdown: 5 s}]\n', 'spec.estimate.overrides[0].shutdown', /must be graceful, whole-grace or a duration/],
    ['shadowed estimate override', '  nodes: {names: [a]}\n  estimate:\n    overrides:\n      - {namespace: d, shutdown: 5s}\n      - {kind: StatefulSet, namespace: d, name: db, shutdown: whole-grace}\n', 'spec.estimate.overrides[1]', /is never used: spec\.estimate\.overrides\[0\] already matches every workload it matches/],
    ['shadowed override', '  nodes: {names: [a]}\n  workloads:\n    overrides:\n      - {kind: Deployment, namespace: d, method: roll}\n      - {kind: Deployment, namespace: d, name: x, method: evict}\n', 'spec.workloads.overrides[1]', /is never used: spec\.workloads\.overrides\[0\] already matches/],
  ])('%s', (_name, body, field, message) => {
    const diags = problems(withSpec(body));
    expect(diags).toHaveLength(1);
    const d = diags[0]!;
    expect(d.file).toBe('maint.yaml');
    expect(d.field).toBe(field);
    expect(d.message).toMatch(message);
    expect(d.line).toBeGreaterThanOrEqual(1);
    expect(d.column).toBeGreaterThanOrEqual(1);
  });

  it('an estimate override of one kind does not shadow a later one of every kind', () => {
    const spec = parseSpec(withSpec('  nodes: {names: [a]}\n  estimate:\n    overrides:\n      - {kind: Deployment, namespace: d, shutdown: 5s}\n      - {namespace: d, shutdown: whole-grace}\n'), 'maint.yaml');
    expect(spec.spec.estimate!.overrides).toHaveLength(2);
  });

  it('names the line and column of a bad estimate value', () => {
    const diags = problems(withSpec('  nodes: {names: [a]}\n  estimate:\n    shutdown: forever\n'));
    expect(diags.map((d) => `${d.file}:${d.line}:${d.column} ${d.field}`)).toEqual(['maint.yaml:8:15 spec.estimate.shutdown']);
  });

  it('refuses a metadata.name that is not a DNS name', () => {
    const diags = problems(withSpec('  nodes: {names: [a]}\n').replace('name: m', 'name: Kernel_Upgrade'));
    expect(diags.map((d) => [d.field, d.line, d.column])).toEqual([['metadata.name', 4, 9]]);
    expect(diags[0]!.message).toMatch(/must be lowercase letters, digits/);
  });

  it('refuses another apiVersion or kind', () => {
    const diags = problems('apiVersion: sdrain.io/v1\nkind: Maint\nmetadata: {name: m}\nspec: {nodes: {names: [a]}}\n');
    expect(diags.map((d) => [d.field, d.message, d.line, d.column])).toEqual([
      ['apiVersion', 'must be "sdrain.io/v1alpha1", not "sdrain.io/v1"', 1, 13],
      ['kind', 'must be "Maintenance", not "Maint"', 2, 7],
    ]);
  });

  it.each([
    ['an empty file', ''],
    ['a comment only', '# nothing\n'],
  ])('refuses %s', (_n, text) => {
    const diags = problems(text);
    expect(diags).toHaveLength(1);
    expect(diags[0]!.message).toMatch(/the file is empty/);
  });

  it('refuses a list instead of a map', () => {
    const diags = problems('- a\n- b\n');
    expect(diags[0]!.message).toMatch(/must be a map of fields, not a list/);
  });
});

describe('parseSpec: positions and collecting everything', () => {
  it('reports every problem at once with its line and column', () => {
    const text = [
      'apiVersion: sdrain.io/v1alpha1', // 1
      'kind: Maintenance', // 2
      'metadata:', // 3
      '  name: kernel', // 4
      'spec:', // 5
      '  nodes:', // 6
      '    names: [worker-1, worker-2, worker-1]', // 7
      '    selector: "zone in eu-1"', // 8
      '  concurrency: 0', // 9
      '  workloads:', // 10
      '    deployment: rol', // 11
      '    statefulset: evict', // 12
      '  timeouts:', // 13
      '    workload: 10 minutes', // 14
      '  window:', // 15
      '    notBefore: "2026-03-02T00:00:00Z"', // 16
      '    notAfter: "2026-03-01T00:00:00Z"', // 17
      '  afterEach:', // 18
      '    command: []', // 19
      '',
    ].join('\n');
    const diags = problems(text);
    expect(diags.map((d) => `${d.line}:${d.column} ${d.field} ${d.message}`)).toEqual([
      '7:33 spec.nodes.names[2] node "worker-1" is already listed at spec.nodes.names[0]',
      '8:15 spec.nodes.selector is not a valid label selector: expected "(" after "in"',
      '9:16 spec.concurrency must be at least 1 (got 0)',
      '11:17 spec.workloads.deployment must be one of roll, surge, evict (got "rol")',
      '12:5 spec.workloads.statefulset unknown field "statefulset" (did you mean "statefulSet"?); allowed fields: deployment, statefulSet, unmanaged, localStorage, overrides',
      '14:15 spec.timeouts.workload must be a duration such as 30s, 5m, 1h30m or 2h (got "10 minutes")',
      '17:15 spec.window.notAfter must be after notBefore (2026-03-02T00:00:00Z), got 2026-03-01T00:00:00Z',
      '19:14 spec.afterEach.command must not be an empty list',
    ]);
    expect(diags.every((d) => d.file === 'maint.yaml')).toBe(true);
  });

  it('points a missing field at its parent', () => {
    const diags = problems('apiVersion: sdrain.io/v1alpha1\nkind: Maintenance\nmetadata:\n  labels: {}\nspec:\n  order: name\n');
    expect(diags.map((d) => `${d.line}:${d.column} ${d.field} ${d.message}`)).toEqual([
      '4:3 metadata.labels unknown field "labels"; allowed fields: name',
      '4:3 metadata.name required field "name" is missing',
      '6:3 spec.nodes required field "nodes" is missing',
    ]);
  });

  it('reports duplicate keys together with schema problems', () => {
    const diags = problems(withSpec('  nodes: {names: [a]}\n  order: name\n  order: zone\n  affinity: never\n'));
    expect(diags.map((d) => `${d.line}:${d.column} ${d.message}`)).toEqual([
      '8:3 duplicate key "order": each field may appear only once',
      '9:13 must be one of fail, evict, skip (got "never")',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const diags = problems(withSpec('  nodes:\n    names: [a, b\n  order: name\n'));
    expect(diags.length).toBeGreaterThanOrEqual(1);
    for (const d of diags) {
      expect(d.message).toMatch(/^invalid YAML: /);
      expect(d.line).toBeGreaterThanOrEqual(7);
    }
  });

  it('refuses several YAML documents', () => {
    const diags = problems(withSpec('  nodes: {names: [a]}\n---\nkind: Other\n'));
    expect(diags[0]!.message).toMatch(/invalid YAML: .*multiple documents/i);
    expect(diags[0]!.line).toBe(7);
  });

  it('sorts diagnostics by position whatever the pass that found them', () => {
    const diags = problems(withSpec('  nodes: {names: [a, a]}\n  bogus: 1\n  concurrency: -1\n'));
    const lines = diags.map((d) => d.line!);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(diags).toHaveLength(3);
  });
});

describe('maintenance.schema.json', () => {
  it('describes every property and closes every object (for yaml-language-server)', () => {
    const missing: string[] = [];
    const walk = (s: Record<string, unknown>, path: string): void => {
      if (typeof s.description !== 'string' || s.description === '') missing.push(`${path}: no description`);
      if (s.type === 'object' && s.additionalProperties !== false) missing.push(`${path}: open object`);
      for (const [k, v] of Object.entries((s.properties ?? {}) as Record<string, Record<string, unknown>>)) walk(v, `${path}.${k}`);
      if (s.items) walk(s.items as Record<string, unknown>, `${path}[]`);
    };
    walk(maintenanceSchema(), '$');
    expect(missing).toEqual([]);
  });
});
