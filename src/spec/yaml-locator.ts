/**
 * Maps a field path of a parsed YAML document back to a 1-based line and column, so every spec
 * diagnostic points at the text the user wrote. When the path does not exist (a missing field)
 * the nearest existing ancestor is used.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml';

export type FieldPath = (string | number)[];

export interface LinePosition {
  line: number;
  column: number;
}

/** Renders a path the way diagnostics name fields: `spec.nodes.names[2]`. */
export function fieldName(path: FieldPath): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out === '' ? p : `.${p}`;
  return out;
}

function child(node: unknown, key: string | number): { value: unknown; key?: unknown } | undefined {
  if (isMap(node)) {
    const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(key));
    return pair ? { value: pair.value, key: pair.key } : undefined;
  }
  if (isSeq(node) && typeof key === 'number') {
    const item = node.items[key];
    return item === undefined ? undefined : { value: item };
  }
  return undefined;
}

/**
 * The position of the value at `path` (or of its key when `atKey`, used for unknown fields).
 * Falls back to the deepest existing ancestor, then to the start of the file.
 */
export function positionOf(doc: Document, lc: LineCounter, path: FieldPath, atKey = false): LinePosition {
  let node: unknown = doc.contents;
  let best: unknown = node;
  for (let i = 0; i < path.length; i++) {
    const next = child(node, path[i]!);
    if (!next) break;
    const last = i === path.length - 1;
    if (last && atKey && next.key) {
      best = next.key;
      break;
    }
    // A key with no value (`spec:`) has a null value node; point at the key then.
    const valueRange = (next.value as YamlNode | null)?.range;
    best = valueRange && valueRange[0] !== valueRange[1] ? next.value : (next.key ?? next.value);
    node = next.value;
  }
  const range = (best as YamlNode | null | undefined)?.range;
  if (!range) return { line: 1, column: 1 };
  const pos = lc.linePos(range[0]);
  return { line: pos.line, column: pos.col };
}
