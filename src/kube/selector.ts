/**
 * Kubernetes label selectors: the string syntax (`app=web,tier in (a,b),!legacy`) used by
 * `?labelSelector=` and the spec's `nodes.selector`, and the structured `LabelSelector`
 * (matchLabels + matchExpressions) used by workloads, PDBs and affinity terms.
 *
 * Why hand-written: no maintained npm package implements apimachinery's selector grammar;
 * client-node sends selectors as strings and never evaluates them.
 */
import type { LabelSelector } from '../model/k8s.js';

export type Operator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist' | 'Equals' | 'NotEquals' | 'Gt' | 'Lt';

export interface Requirement {
  key: string;
  operator: Operator;
  values: string[];
}

/** A parsed selector: every requirement must hold (AND). An empty list matches everything. */
export type Selector = Requirement[];

const KEY_RE = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE_RE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;

/** Thrown for a malformed selector string; the message names the selector and the problem. */
export class SelectorSyntaxError extends Error {}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === '(' || c === ')' || c === ',') { tokens.push(c); i++; continue; }
    if (c === '!' && text[i + 1] === '=') { tokens.push('!='); i += 2; continue; }
    if (c === '!') { tokens.push('!'); i++; continue; }
    if (c === '=' && text[i + 1] === '=') { tokens.push('=='); i += 2; continue; }
    if (c === '=' || c === '<' || c === '>') { tokens.push(c); i++; continue; }
    let j = i;
    while (j < text.length && !/[\s(),!=<>]/.test(text[j]!)) j++;
    tokens.push(text.slice(i, j));
    i = j;
  }
  return tokens;
}

/** Parses the string form of a label selector. Throws SelectorSyntaxError. */
export function parseSelector(text: string): Selector {
  const tokens = tokenize(text);
  const reqs: Requirement[] = [];
  let p = 0;
  const fail = (why: string): never => {
    throw new SelectorSyntaxError(`Cannot parse label selector "${text}": ${why}`);
  };
  const checkKey = (k: string | undefined): string => {
    if (!k || !KEY_RE.test(k) || k.length > 317) fail(`"${k ?? ''}" is not a valid label key`);
    return k!;
  };
  const checkValue = (v: string): string => {
    if (!VALUE_RE.test(v) || v.length > 63) fail(`"${v}" is not a valid label value`);
    return v;
  };
  if (tokens.length === 0) return [];
  for (;;) {
    if (tokens[p] === '!') {
      p++;
      reqs.push({ key: checkKey(tokens[p++]), operator: 'DoesNotExist', values: [] });
    } else {
      const key = checkKey(tokens[p++]);
      const op = tokens[p];
      if (op === undefined || op === ',') {
        reqs.push({ key, operator: 'Exists', values: [] });
      } else if (op === '=' || op === '==' || op === '!=') {
        p++;
        const v = tokens[p];
        const value = v === undefined || v === ',' ? '' : (p++, v);
        reqs.push({ key, operator: op === '!=' ? 'NotEquals' : 'Equals', values: [checkValue(value)] });
      } else if (op === 'in' || op === 'notin') {
        p++;
        if (tokens[p++] !== '(') fail(`expected "(" after "${op}"`);
        const values: string[] = [];
        while (tokens[p] !== ')') {
          const v = tokens[p];
          if (v === undefined) fail('missing ")"');
          if (v === ',') { p++; continue; }
          values.push(checkValue(v!));
          p++;
        }
        p++;
        if (values.length === 0) fail(`"${op}" needs at least one value`);
        reqs.push({ key, operator: op === 'in' ? 'In' : 'NotIn', values });
      } else if (op === '<' || op === '>') {
        p++;
        const v = tokens[p++];
        if (v === undefined || !/^-?\d+$/.test(v)) fail(`"${op}" needs an integer value`);
        reqs.push({ key, operator: op === '<' ? 'Lt' : 'Gt', values: [v!] });
      } else {
        fail(`unexpected "${op}" after key "${key}"`);
      }
    }
    if (p >= tokens.length) break;
    if (tokens[p] !== ',') fail(`expected "," but found "${tokens[p]}"`);
    p++;
  }
  return reqs;
}

/**
 * Converts a structured LabelSelector into requirements. `null`/`undefined` yields `undefined`
 * (callers decide: workloads treat a missing selector as matching nothing).
 */
export function fromLabelSelector(sel: LabelSelector | null | undefined): Selector | undefined {
  if (sel === null || sel === undefined) return undefined;
  const reqs: Requirement[] = [];
  for (const key of Object.keys(sel.matchLabels ?? {}).sort()) {
    reqs.push({ key, operator: 'Equals', values: [String(sel.matchLabels![key])] });
  }
  for (const e of sel.matchExpressions ?? []) {
    const op = e.operator as Operator;
    reqs.push({ key: e.key, operator: op, values: (e.values ?? []).map(String) });
  }
  return reqs;
}

/** True when `labels` satisfy every requirement. */
export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of selector) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.operator) {
      case 'Equals':
      case 'In':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'NotEquals':
      case 'NotIn':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      case 'Gt':
      case 'Lt': {
        if (!has || !/^-?\d+$/.test(v!)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        if (r.operator === 'Gt' ? !(n > bound) : !(n < bound)) return false;
        break;
      }
      default:
        return false;
    }
  }
  return true;
}

/** Matches a structured LabelSelector; a null/undefined selector matches nothing, `{}` matches everything. */
export function labelSelectorMatches(sel: LabelSelector | null | undefined, labels: Record<string, string> | undefined): boolean {
  const s = fromLabelSelector(sel);
  return s !== undefined && matches(s, labels);
}

/** Canonical string form, e.g. for Table "Selector" columns and plan output. */
export function selectorToString(selector: Selector): string {
  return selector
    .map((r) => {
      switch (r.operator) {
        case 'Equals': return `${r.key}=${r.values[0]}`;
        case 'NotEquals': return `${r.key}!=${r.values[0]}`;
        case 'In': return `${r.key} in (${r.values.join(',')})`;
        case 'NotIn': return `${r.key} notin (${r.values.join(',')})`;
        case 'Exists': return r.key;
        case 'DoesNotExist': return `!${r.key}`;
        case 'Gt': return `${r.key}>${r.values[0]}`;
        case 'Lt': return `${r.key}<${r.values[0]}`;
        default: return '';
      }
    })
    .join(',');
}

/** A field selector term: `spec.nodeName=node-1`, `metadata.name!=x`. */
export interface FieldRequirement {
  field: string;
  operator: 'Equals' | 'NotEquals';
  value: string;
}

/** Parses `?fieldSelector=` (comma-separated `=`, `==`, `!=` terms). Throws SelectorSyntaxError. */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  return text.split(',').map((term) => {
    const m = /^\s*([A-Za-z0-9_.\-/]+)\s*(==|!=|=)\s*(.*?)\s*$/.exec(term);
    if (!m) throw new SelectorSyntaxError(`Cannot parse field selector "${text}": "${term}" is not field=value`);
    return { field: m[1]!, operator: m[2] === '!=' ? 'NotEquals' : 'Equals', value: m[3]! };
  });
}
