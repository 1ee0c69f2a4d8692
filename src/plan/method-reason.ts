/**
 * The sentence for why a method was chosen (Action.reason), rendered from its code: the plan
 * keeps both, tools read `why`, people read `reason`. Also the reverse, for format-1 files,
 * which kept only the sentence (src/planfile/format-1.ts).
 */
import type { MethodReason } from '../model/plan.js';

export function methodReasonText(why: MethodReason): string {
  switch (why.code) {
    case 'DEFAULT':
      return why.kind === 'Deployment' ? 'default for Deployments' : 'default for StatefulSets';
    case 'OVERRIDE':
      return `override #${why.override}`;
    case 'UNSUPPORTED_METHOD':
      return `fallback from "${why.from}"`;
    case 'PAUSED':
      return `fallback from ${why.from}: Deployment is paused`;
    case 'REPLICAS_OWNED':
      return `fallback from ${why.from}: ${why.owner === 'hpa' ? 'an HPA' : 'a GitOps controller'} owns spec.replicas`;
    case 'RWO_VOLUME':
      return `fallback from ${why.from}: ReadWriteOnce volume`;
    case 'STATEFULSET':
      return `fallback from ${why.from}: StatefulSet`;
    case 'ONDELETE':
      return `fallback from ${why.from}: OnDelete strategy`;
    case 'PARTITIONED':
      return `fallback from ${why.from}: partitioned StatefulSet`;
    case 'FITS_NOWHERE':
      return `fallback from ${why.from}: pods fit nowhere (spec.affinity: evict)`;
    case 'INVALID_STRATEGY':
      return 'fallback: its update strategy cannot be resolved';
    case 'UNMANAGED':
      return why.delete ? 'unmanaged pod: spec.workloads.unmanaged is delete' : 'unmanaged pod';
    case 'UNKNOWN_OWNER':
      return 'owner not in the cluster data';
    case 'EVICT_ONLY_OWNER':
      return `${why.kind} is moved by eviction`;
  }
}

const METHOD = '(roll|surge|evict|delete)';
const PARSERS: [RegExp, (m: RegExpExecArray) => MethodReason][] = [
  [/^default for Deployments$/, () => ({ code: 'DEFAULT', kind: 'Deployment' })],
  [/^default for StatefulSets$/, () => ({ code: 'DEFAULT', kind: 'StatefulSet' })],
  [/^override #(\d+)$/, (m) => ({ code: 'OVERRIDE', override: Number(m[1]) })],
  [/^fallback from "(.*)"$/, (m) => ({ code: 'UNSUPPORTED_METHOD', from: m[1]! })],
  [new RegExp(`^fallback from ${METHOD}: Deployment is paused$`), (m) => ({ code: 'PAUSED', from: m[1] as 'roll' })],
  [new RegExp(`^fallback from ${METHOD}: (an HPA|a GitOps controller) owns spec\\.replicas$`), (m) => ({ code: 'REPLICAS_OWNED', from: m[1] as 'surge', owner: m[2] === 'an HPA' ? 'hpa' : 'gitops' })],
  [new RegExp(`^fallback from ${METHOD}: ReadWriteOnce volume$`), (m) => ({ code: 'RWO_VOLUME', from: m[1] as 'roll' })],
  [/^fallback from (.+): StatefulSet$/, (m) => ({ code: 'STATEFULSET', from: m[1]! })],
  [new RegExp(`^fallback from ${METHOD}: OnDelete strategy$`), (m) => ({ code: 'ONDELETE', from: m[1] as 'roll' })],
  [new RegExp(`^fallback from ${METHOD}: partitioned StatefulSet$`), (m) => ({ code: 'PARTITIONED', from: m[1] as 'roll' })],
  [new RegExp(`^fallback from ${METHOD}: pods fit nowhere \\(spec\\.affinity: evict\\)$`), (m) => ({ code: 'FITS_NOWHERE', from: m[1] as 'roll' })],
  [/^fallback: its update strategy cannot be resolved$/, () => ({ code: 'INVALID_STRATEGY' })],
  [/^unmanaged pod: spec\.workloads\.unmanaged is delete$/, () => ({ code: 'UNMANAGED', delete: true })],
  [/^unmanaged pod$/, () => ({ code: 'UNMANAGED', delete: false })],
  [/^owner not in the cluster data$/, () => ({ code: 'UNKNOWN_OWNER' })],
  [/^(\S+) is moved by eviction$/, (m) => ({ code: 'EVICT_ONLY_OWNER', kind: m[1]! })],
];

/** The code of a sentence methodReasonText writes; undefined for any other text. */
export function parseMethodReason(text: string): MethodReason | undefined {
  for (const [re, build] of PARSERS) {
    const m = re.exec(text);
    if (m) return build(m);
  }
  return undefined;
}
