/**
 * Secret material never leaves the cluster through sdrain: a cluster whose pods carry literal
 * env values, Secret-like annotations, a last-applied-configuration with a token, and a Secret
 * object is snapshotted, planned, shown, and applied (with NDJSON events) by the built binary;
 * none of the secret values, nor the simulator's bearer token, may appear in any file or output
 * (the one exception: a snapshot file keeps custom annotation values, see below).
 * API errors (401 from a wrong token) are shown as a message and code, never with headers.
 * Needs `npx tsc -p tsconfig.build.json` first.
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { parseAllDocuments, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliIsBuilt, runCli, type CliResult } from '../helpers/cli.js';
import { startTestSim, type TestSim } from '../helpers/sim.js';
import { SEED, SEED_MAINT } from '../apply/apply-harness.js';

const ENV_SECRET = 'envSecretValue-7f3a91c2';
const ANNOTATION_SECRET = 'annotationSecret-b8e4d210';
const TOKEN_SECRET = 'eyJhbGciOiJSUzI1NiJ9.tokenSecret-c19d55e7';
const SECRET_DATA = 'secretObjectData-44a0be9f';

type Obj = { kind?: string; metadata?: { annotations?: Record<string, string> }; spec?: Record<string, unknown>; items?: Obj[] };

/** The seed article's cluster with secrets planted in every place a careless tool would copy. */
function clusterWithSecrets(): string {
  const objects: Obj[] = [];
  for (const doc of parseAllDocuments(readFileSync(SEED, 'utf8'))) {
    const o = doc.toJS() as Obj | null;
    if (!o) continue;
    if (o.kind === 'List') objects.push(...(o.items ?? []));
    else objects.push(o);
  }
  const plant = (containers: { env?: unknown[] }[] | undefined) => {
    for (const c of containers ?? []) c.env = [...(c.env ?? []), { name: 'DB_PASSWORD', value: ENV_SECRET }, { name: 'API_TOKEN', value: TOKEN_SECRET }];
  };
  for (const o of objects) {
    o.metadata ??= {};
    o.metadata.annotations = {
      ...(o.metadata.annotations ?? {}),
      'example.com/db-password': ANNOTATION_SECRET,
      'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify({ token: TOKEN_SECRET }),
    };
    if (o.kind === 'Pod') plant((o.spec as { containers?: { env?: unknown[] }[] }).containers);
    const template = (o.spec as { template?: { spec?: { containers?: { env?: unknown[] }[] } } } | undefined)?.template;
    if (template) plant(template.spec?.containers);
  }
  objects.push({
    kind: 'Secret',
    ...{ apiVersion: 'v1', type: 'Opaque', data: { password: Buffer.from(SECRET_DATA).toString('base64') }, stringData: { token: SECRET_DATA } },
    metadata: { ...{ name: 'db', namespace: 'default' } },
  } as Obj);
  return stringify({ apiVersion: 'v1', kind: 'List', items: objects });
}

let dir: string;
let sim: TestSim;
const outputs: { what: string; text: string }[] = [];
const record = (what: string, r: CliResult) => {
  outputs.push({ what: `${what} stdout`, text: r.stdout }, { what: `${what} stderr`, text: r.stderr });
  return r;
};

beforeAll(async () => {
  if (!cliIsBuilt()) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json` before the CLI tests');
  dir = mkdtempSync(join(tmpdir(), 'sdrain-security-'));
  const text = clusterWithSecrets();
  writeFileSync(join(dir, 'cluster.yaml'), text);
  writeFileSync(join(dir, 'maint.yaml'), readFileSync(SEED_MAINT, 'utf8'));
  sim = await startTestSim({ yaml: text, podStartupMs: 300 });
  writeFileSync(join(dir, 'kc.yaml'), sim.sim.kubeconfig, { mode: 0o600 });
});
afterAll(async () => {
  await sim?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const run = (args: string[]) => runCli(args, { cwd: dir, timeoutMs: 90_000 });

describe('no secret material in plans, events or output', () => {
  it('the secrets really are in the cluster the tools read', () => {
    const pods = sim.store.list('Pod', { namespace: 'default' });
    expect(JSON.stringify(pods)).toContain(ENV_SECRET);
    expect(JSON.stringify(pods)).toContain(ANNOTATION_SECRET);
    expect(JSON.stringify(pods)).toContain('tokenSecret');
  });

  it('snapshot, plan (from file and live), show, apply with NDJSON events: none of it leaks', async () => {
    expect(record('snapshot', await run(['snapshot', '--kubeconfig', 'kc.yaml', '--out', 'snap.json'])).code).toBe(0);
    expect(record('plan --snapshot', await run(['plan', '-f', 'maint.yaml', '--snapshot', 'cluster.yaml', '--out', 'plan-file.json'])).code).toBe(0);
    expect(record('plan live', await run(['plan', '-f', 'maint.yaml', '--kubeconfig', 'kc.yaml', '--out', 'plan.json'])).code).toBe(0);
    for (const o of ['table', 'json', 'markdown']) record(`show -o ${o}`, await run(['show', 'plan.json', '-o', o]));
    const applied = record('apply', await run(['apply', 'plan.json', '--kubeconfig', 'kc.yaml', '--events', 'events.ndjson']));
    expect(applied.code, applied.stderr).toBe(0);
    record('apply again', await run(['apply', 'plan.json', '--kubeconfig', 'kc.yaml', '--events', '-']));
    for (const f of readdirSync(dir)) {
      if (f === 'cluster.yaml' || f === 'kc.yaml' || f === 'maint.yaml') continue;
      outputs.push({ what: `file ${f}`, text: readFileSync(join(dir, f), 'utf8') });
    }
    expect(outputs.map((o) => o.what)).toEqual(expect.arrayContaining(['file plan.json', 'file events.ndjson', 'file snap.json']));
    expect(readFileSync(join(dir, 'events.ndjson'), 'utf8').trim().split('\n').length).toBeGreaterThan(2);
    const secrets = [ENV_SECRET, ANNOTATION_SECRET, TOKEN_SECRET, 'tokenSecret', SECRET_DATA, Buffer.from(SECRET_DATA).toString('base64'), sim.sim.token];
    // A snapshot file is a record of the cluster for planning: it keeps annotations (rules read
    // them), but drops env values, last-applied-configuration, managedFields and Secret payloads.
    const allowed = (what: string, secret: string) => what === 'file snap.json' && secret === ANNOTATION_SECRET;
    const leaks = outputs.flatMap((o) => secrets.filter((s) => o.text.includes(s) && !allowed(o.what, s)).map((s) => `${o.what} contains ${s.slice(0, 12)}…`));
    expect(leaks).toEqual([]);
  }, 120_000);

  it('API errors name the action and the status, never headers or the token', async () => {
    const wrong = sim.sim.kubeconfig.replace(sim.sim.token, 'wrong-token-0123456789');
    expect(wrong).not.toBe(sim.sim.kubeconfig);
    writeFileSync(join(dir, 'wrong.yaml'), wrong, { mode: 0o600 });
    for (const args of [
      ['plan', '-f', 'maint.yaml', '--kubeconfig', 'wrong.yaml', '--out', 'p2.json'],
      ['apply', 'plan.json', '--kubeconfig', 'wrong.yaml'],
    ]) {
      const r = await run(args);
      expect(r.code, r.stderr).not.toBe(0);
      expect(r.stderr).toMatch(/401|Unauthorized/);
      for (const bad of [/authorization/i, /bearer/i, /content-type/i, /audit-id/i, /set-cookie/i, /wrong-token/, /^\s{4}at /m, sim.sim.token]) {
        expect(r.stderr).not.toMatch(bad);
        expect(r.stdout).not.toMatch(bad);
      }
    }
  }, 60_000);
});
