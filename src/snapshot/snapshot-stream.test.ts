/**
 * The streaming reader (JsonItemSplitter, loadSnapshotStream) and writer (snapshotTextChunks):
 * chunk boundaries anywhere (mid-line, mid-string, mid-escape, mid-UTF-8 character), CRLF,
 * kubectl's indented layout, and truncated or malformed input. Large files are exercised by
 * bench/snapshot-load.ts; here the inputs are small and cut into very small chunks.
 */
import { describe, expect, it } from 'vitest';
import { InputError } from '../errors.js';
import type { KubeObject } from '../model/k8s.js';
import { buildSnapshot } from './build-snapshot.js';
import { JsonItemSplitter, JsonItemsError } from './json-items.js';
import { compactCanonicalJson as canonicalJson } from '../planfile/canonical-json.js';
import { loadSnapshotStream, loadSnapshotText, serializeSnapshot, slimObject, snapshotTextChunks } from './snapshot-file.js';

function pod(name: string, extra: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', uid: `uid-${name}`, labels: { app: 'web', ...extra } },
    spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'x', resources: { requests: { cpu: '100m' } } }] },
  };
}

/** Objects with multi-byte characters, escapes and backslashes in strings. */
function objects(): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', uid: 'ns-shop', annotations: { note: 'Grüße — 日本語 🚀' } } },
    { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1', uid: 'n1', labels: { zone: 'a' } }, status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } } },
    pod('p1', { quote: 'a' }),
    { ...pod('p2'), metadata: { ...pod('p2').metadata, annotations: { tricky: 'say "hi" \\ back\\slash \\\\" ]},{ \u00e9\u{1F600}' } } },
    pod('p3'),
  ];
}

/** Splits `bytes` into chunks of the given sizes (cycled), as a stream would hand them over. */
function chunked(bytes: Uint8Array, sizes: number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0, k = 0; i < bytes.length; k++) {
    const n = sizes[k % sizes.length]!;
    out.push(bytes.slice(i, i + n));
    i += n;
  }
  return out;
}

async function* stream(chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const c of chunks) yield c;
}

function split(chunks: Uint8Array[]): { items: { value: unknown; line: number }[]; envelope: unknown } {
  const items: { value: unknown; line: number }[] = [];
  const s = new JsonItemSplitter((value, _i, line) => items.push({ value, line }));
  for (const c of chunks) s.push(c);
  return { items, envelope: s.end().envelope };
}

/** What `kubectl get -o json` prints: 4-space indentation, items before kind. */
function kubectlList(objs: KubeObject[], eol = '\n'): string {
  const text = JSON.stringify({ apiVersion: 'v1', items: objs, kind: 'List', metadata: { resourceVersion: '' } }, null, 4);
  return `${text.replace(/\n/g, eol)}${eol}`;
}

const SIZES = [[1], [2], [3], [7], [64], [1, 5, 2, 13], [4096]];

describe('JsonItemSplitter', () => {
  const snapshotText = serializeSnapshot(buildSnapshot(objects(), { uid: 'ns-shop' }).snapshot);

  it.each(SIZES)('reads a snapshot file cut into chunks of %j bytes, with the line of each object', (...sizes) => {
    const bytes = Buffer.from(snapshotText, 'utf8');
    const { items, envelope } = split(chunked(bytes, sizes));
    expect(items.map((i) => i.value)).toEqual(JSON.parse(snapshotText).items);
    expect(items.map((i) => i.line)).toEqual([2, 3, 4, 5, 6]);
    expect(envelope).toEqual({ ...JSON.parse(snapshotText), items: [] });
  });

  it.each(SIZES)('reads a kubectl List with CRLF line ends and a BOM, cut into chunks of %j bytes', (...sizes) => {
    const text = kubectlList(objects(), '\r\n');
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]);
    const { items, envelope } = split(chunked(bytes, sizes));
    expect(items.map((i) => i.value)).toEqual(objects());
    expect(envelope).toEqual({ apiVersion: 'v1', items: [], kind: 'List', metadata: { resourceVersion: '' } });
    // Each item's line is where its "{" is.
    const lines = text.split('\r\n');
    for (const { line } of items) expect(lines[line - 1]!.trim()).toBe('{');
  });

  it('reads compact JSON on one line, a top-level list and items nested in other members', () => {
    const compact = JSON.stringify({ kind: 'List', apiVersion: 'v1', metadata: { items: [1] }, items: objects() });
    const a = split(chunked(Buffer.from(compact), [5]));
    expect(a.items.map((i) => i.value)).toEqual(objects());
    expect(a.envelope).toEqual({ kind: 'List', apiVersion: 'v1', metadata: { items: [1] }, items: [] });
    const arr = split(chunked(Buffer.from(JSON.stringify([1, 'two', null, { three: [3] }])), [2]));
    expect(arr.items.map((i) => i.value)).toEqual([1, 'two', null, { three: [3] }]);
    expect(split([Buffer.from('{"kind":"Pod","metadata":{"name":"x"}}')]).envelope).toEqual({ kind: 'Pod', metadata: { name: 'x' } });
  });

  it.each([
    ['a truncated snapshot', `${'{"kind":"List","items":[\n{"a":1},\n{"b":'}`, /ends in the middle of items\[1\] \(which starts on line 3\).*truncated/, 3],
    ['a file cut after the last item', '{"kind":"List","items":[\n{"a":1}\n', /truncated/, 3],
    ['an unterminated string', '{"kind":"List","items":[\n{"a":"x', /truncated/, 2],
    ['a malformed item', '{"kind":"List","items":[\n{"a":1},\n{"b":}\n]}', /items\[1\] \(line 3\) is not valid JSON/, 3],
    ['a missing comma', '{"kind":"List","items":[\n{"a":1}\n{"b":2}\n]}', /expected "," or "]" after an element/, 3],
    ['a trailing comma', '{"kind":"List","items":[\n{"a":1},\n]}', /"," is followed by the end of the items list/, 3],
    ['a leading comma', '{"kind":"List","items":[,{"a":1}]}', /expected an element of the items list before ","/, 1],
    ['text after the document', '{"kind":"List","items":[]}\n{"again":1}', /unexpected text after the end/, 2],
    ['a malformed envelope', '{"kind":"List" "items":[{"a":1}]}', /around the items list is malformed/, 1],
    ['YAML', 'kind: List\n', /does not hold a JSON object or list/, 1],
    ['nothing', '  \n', /empty/, 2],
  ])('refuses %s, naming the line', (_what, text, message, line) => {
    for (const size of [1, 3, 1000]) {
      let err: unknown;
      try {
        split(chunked(Buffer.from(text), [size]));
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(JsonItemsError);
      expect((err as JsonItemsError).message).toMatch(message);
      expect((err as JsonItemsError).line).toBe(line);
    }
  });
});

describe('loadSnapshotStream', () => {
  const load = (text: string | Uint8Array, sizes: number[], file = 'c.json') => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    return loadSnapshotStream(stream(chunked(bytes, sizes)), file, { reopen: () => stream([bytes]) });
  };
  const refused = async (p: Promise<unknown>): Promise<InputError> => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    return err as InputError;
  };

  it('gives the same snapshot and warnings as loadSnapshotText for a snapshot file, a kubectl List and YAML', async () => {
    const snapshotText = serializeSnapshot(buildSnapshot(objects(), {}).snapshot);
    const list = kubectlList([...objects(), objects()[2]!]); // a duplicate: a warning
    const yaml = 'apiVersion: v1\nkind: Node\nmetadata: {name: n9}\nstatus: {allocatable: {cpu: "1"}}\n---\napiVersion: extensions/v1beta1\nkind: Deployment\nmetadata: {name: d, namespace: x}\nspec: {selector: {matchLabels: {a: b}}, template: {spec: {containers: []}}}\n';
    for (const text of [snapshotText, list, yaml]) {
      const want = loadSnapshotText(text, 'c.json');
      for (const sizes of [[1], [3, 17], [100000]]) expect(await load(text, sizes)).toEqual(want);
    }
    expect((await load(list, [9])).warnings.map((w) => w.message)).toEqual(['appears more than once; the copies are identical and the first is used']);
  });

  it('reports bad objects in a streamed List by their place, as loadSnapshotText does', async () => {
    const text = kubectlList([pod('ok'), { apiVersion: 'v1', kind: 'Pod', metadata: { name: '' } } as KubeObject]);
    const err = await refused(load(text, [11]));
    expect(err.diagnostics.map((d) => `${d.object}: ${d.message}`)).toEqual(['Pod at document 1, item 2: Cannot load Pod at document 1, item 2: it has no "metadata.name"']);
  });

  it('names the line of a malformed object in a snapshot file', async () => {
    const good = serializeSnapshot(buildSnapshot([pod('a'), pod('b')], {}).snapshot);
    const bad = good.replace('"name":"b"', '"name":"b",,');
    const err = await refused(load(bad, [5]));
    expect(err.diagnostics).toHaveLength(1);
    expect(err.diagnostics[0]).toMatchObject({ file: 'c.json', line: 3 });
    expect(err.diagnostics[0]!.message).toMatch(/^Cannot parse the snapshot file: items\[1\] \(line 3\) is not valid JSON/);
    const cut = await refused(load(good.slice(0, good.length - 40), [64]));
    expect(cut.diagnostics[0]!.message).toMatch(/^Cannot parse the snapshot file: the file ends in the middle of items\[1\].*truncated/);
  });

  it('reads a JSON dump it cannot stream whole when it fits in a string (YAML flow style), else names the line', async () => {
    const flow = '{apiVersion: v1, kind: Node, metadata: {name: n1}, status: {allocatable: {cpu: "1"}}}\n';
    expect((await load(flow, [4])).snapshot.nodes.map((n) => n.metadata.name)).toEqual(['n1']);
    const broken = '{"apiVersion":"v1","kind":"List","items":[\n{"kind":"Node"}\n{"kind":"Node"}]}';
    const err = await refused(loadSnapshotStream(stream([Buffer.from(broken)]), 'dump.json'));
    expect(err.diagnostics[0]).toMatchObject({ file: 'dump.json', line: 3 });
    expect(err.diagnostics[0]!.message).toMatch(/^Cannot parse the file: expected "," or "]"/);
  });

  describe('a JSON dump that fits in one string is read whole and parsed once; larger ones stream', () => {
    // The threshold is lowered so that small inputs exercise both sides of it.
    const whole = (text: string, wholeMaxBytes: number) => {
      const bytes = Buffer.from(text, 'utf8');
      const used = { streamed: 0, wholeReads: 0 };
      async function* counted(): AsyncGenerator<Uint8Array> {
        for (const c of chunked(bytes, [64])) {
          used.streamed += c.length;
          yield c;
        }
      }
      const result = loadSnapshotStream(counted(), 'c.json', {
        whole: {
          size: bytes.length,
          read: () => {
            used.wholeReads++;
            return Promise.resolve(text);
          },
        },
        wholeMaxBytes,
      });
      return { result, used, size: bytes.length };
    };
    const list = kubectlList([...objects(), objects()[2]!]);
    const want = loadSnapshotText(list, 'c.json');

    it('at or below the threshold: one whole read, the stream left after its first bytes', async () => {
      const w = whole(list, Buffer.byteLength(list));
      expect(await w.result).toEqual(want);
      expect(w.used.wholeReads).toBe(1);
      expect(w.used.streamed).toBeLessThan(w.size);
    });

    it('reads a whole dump with a byte order mark as the streaming reader does', async () => {
      const bom = `\uFEFF${list}`;
      const w = whole(bom, 1 << 30);
      expect(await w.result).toEqual(await loadSnapshotStream(stream(chunked(Buffer.from(bom, 'utf8'), [5])), 'c.json'));
      expect(w.used.wholeReads).toBe(1);
    });

    it('above the threshold: streamed to the end, never read whole, with the same result', async () => {
      const w = whole(list, Buffer.byteLength(list) - 1);
      expect(await w.result).toEqual(want);
      expect(w.used.wholeReads).toBe(0);
      expect(w.used.streamed).toBe(w.size);
    });

    it('streams a dump that grew past the longest string after it was measured', async () => {
      const bytes = Buffer.from(list, 'utf8');
      const tooLong = Object.assign(new RangeError('Cannot create a string longer than 0x1fffffe8 characters'), { code: 'ERR_STRING_TOO_LONG' });
      const got = await loadSnapshotStream(stream(chunked(bytes, [64])), 'c.json', { whole: { size: 10, read: () => Promise.reject(tooLong) }, reopen: () => stream(chunked(bytes, [7])) });
      expect(got).toEqual(want);
    });

    it('keeps streaming sdrain snapshot files, which are one object per line', async () => {
      const text = serializeSnapshot(buildSnapshot(objects(), {}).snapshot);
      const w = whole(text, 1 << 30);
      expect(await w.result).toEqual(loadSnapshotText(text, 'c.json'));
      expect(w.used.wholeReads).toBe(0);
    });

    it('reports a malformed dump read whole with its line, as loadSnapshotText does', async () => {
      const broken = list.replace('"kind": "Node"', '"kind": "Node",,');
      const w = whole(broken, 1 << 30);
      const err = await refused(w.result);
      expect(w.used.wholeReads).toBe(1);
      expect(err.diagnostics).toEqual(await refused(Promise.resolve().then(() => loadSnapshotText(broken, 'c.json'))).then((e) => e.diagnostics));
      expect(err.diagnostics[0]!.line).toBeGreaterThan(1);
    });
  });

  it('refuses a maintenance spec given as the cluster', async () => {
    const err = await refused(load('{"apiVersion":"sdrain.io/v1alpha1","kind":"Maintenance","metadata":{"name":"m"}}', [7]));
    expect(err.diagnostics.map((d) => d.message)).toEqual(['Cannot read the cluster from this file: it is a maintenance spec, not a cluster snapshot or object dump']);
  });
});

describe('snapshotTextChunks', () => {
  it('writes exactly serializeSnapshot, in chunks of about 1 MiB', () => {
    const pods = Array.from({ length: 6000 }, (_, i) => pod(`p-${String(i).padStart(5, '0')}`, { filler: 'x'.repeat(40) }));
    const { snapshot } = buildSnapshot(pods, {});
    const chunks = [...snapshotTextChunks(snapshot)];
    expect(chunks.length).toBeGreaterThan(1);
    for (const c of chunks.slice(0, -1)) expect(c.length).toBeGreaterThanOrEqual(1 << 20);
    expect(chunks.join('')).toBe(serializeSnapshot(snapshot));
    const empty = buildSnapshot([], {}).snapshot;
    expect([...snapshotTextChunks(empty)].join('')).toBe(serializeSnapshot(empty));
  });
});

describe('slimObject', () => {
  it('is exactly the object a snapshot file stores (keys sorted, managedFields and env values dropped)', () => {
    const o = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'x', namespace: 'a', uid: 'u', managedFields: [{ manager: 'k' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}', z: '1', '10': 'n', a: '2' } },
      spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: 'secret' }, { name: 'B', valueFrom: { fieldRef: { fieldPath: 'x' } } }], args: ['b', 'a'] }] },
      status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] },
    } as unknown as KubeObject;
    const text = serializeSnapshot(buildSnapshot([o], {}).snapshot);
    const line = text.split('\n')[1]!;
    expect(canonicalJson(slimObject(o))).toBe(line);
    expect(JSON.stringify(slimObject(o))).toBe(line);
    expect(slimObject(o)).toEqual(JSON.parse(line));
  });
});
