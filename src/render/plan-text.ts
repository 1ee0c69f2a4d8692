/**
 * A stable, line-oriented text of a plan for drift diffs (apply diffs the reviewed plan against
 * a fresh one with the `diff` package). Every line stands alone — it names its wave, workload
 * or field — so a hunk is readable without context, and lines come in a fixed order (the
 * plan's arrays, sorted keys elsewhere) so equal plans give equal text. Left out: the digest
 * (it always differs) and the fingerprint (facts, not decisions — apply compares and shows
 * those separately); every decision apply executes is in.
 */
import type { Plan } from '../model/plan.js';
import { compareStrings } from '../placement/compare-strings.js';
import { actionReason, formatAmounts, qualifiedName, UNTOUCHED_LABEL } from './findings.js';

/** The plan as diffable lines, ending with a newline. */
export function renderPlanForDiff(plan: Plan): string {
  const out: string[] = [];
  out.push(`plan ${plan.spec.metadata.name} format=${plan.formatVersion} tool=${plan.toolVersion}`);
  out.push(`cluster server=${plan.cluster.server ?? '-'} uid=${plan.cluster.uid ?? '-'}`);
  out.push(`applicable ${plan.applicable}`);
  flatten('spec', plan.spec, out);
  for (const w of plan.waves) {
    const p = `wave ${w.index}`;
    out.push(`${p} nodes ${w.nodes.join(', ')}`);
    out.push(`${p} surge ${formatAmounts(w.surge)}`);
    out.push(`${p} free ${formatAmounts(w.free)}`);
    for (const a of w.actions) {
      const wl = `${p} ${a.workload.kind} ${qualifiedName(a.workload)}`;
      const s = a.strategy;
      const strategy = `${s.type}(maxSurge=${s.maxSurge},maxUnavailable=${s.maxUnavailable}${s.partition !== undefined ? `,partition=${s.partition}` : ''})`;
      out.push(`${wl} uid=${a.workload.uid ?? '-'} method=${a.method} replicas=${a.replicas} minReady=${a.expectedMinReady} surgePods=${a.surgePods} strategy=${strategy}`);
      out.push(`${wl} reason ${actionReason(a)}`);
      a.pods.forEach((pod, i) => out.push(`${wl} pod ${pod} uid=${a.podUids[i] ?? '-'}`));
    }
    for (const u of w.untouched) out.push(`${p} untouched ${u.node} ${u.namespace}/${u.pod}: ${UNTOUCHED_LABEL[u.reason] ?? u.reason}`);
  }
  // The duration estimate is a forecast from timestamps, not a decision apply executes: it and
  // the window warning made from it may differ between planning and apply without drift.
  for (const f of plan.findings) {
    if (f.code === 'WINDOW_TOO_SHORT') continue;
    const where = [f.wave !== undefined ? `wave=${f.wave}` : '', f.node ? `node=${f.node}` : '', f.object ? `object=${f.object.kind}/${qualifiedName(f.object)}` : '']
      .filter(Boolean)
      .join(' ');
    out.push(`finding ${f.severity} ${f.code}${where ? ` ${where}` : ''}: ${oneLine(f.message)}`);
    if (f.hint) out.push(`finding ${f.severity} ${f.code} hint: ${oneLine(f.hint)}`);
  }
  return out.join('\n') + '\n';
}

function oneLine(s: string): string {
  return s.replace(/\r?\n/g, ' ');
}

/** `prefix.a.b[0] = value` lines, keys sorted, scalars as JSON. */
function flatten(prefix: string, value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    if (value.length === 0) out.push(`${prefix} = []`);
    value.forEach((v, i) => flatten(`${prefix}[${i}]`, v, out));
  } else if (typeof value === 'object' && value !== null) {
    const keys = Object.keys(value).sort(compareStrings);
    if (keys.length === 0) out.push(`${prefix} = {}`);
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) flatten(/^[A-Za-z_][A-Za-z0-9_]*$/.test(k) ? `${prefix}.${k}` : `${prefix}[${JSON.stringify(k)}]`, v, out);
    }
  } else if (value !== undefined) {
    out.push(`${prefix} = ${JSON.stringify(value)}`);
  }
}
