/**
 * Reads format-1 plan files (sdrain before plan format 2): format 1 kept why a method was
 * chosen, the pods an earlier wave places on a node and why a pod stays untouched only as
 * display text. This turns those texts back into format 2's typed fields, in memory: the digest
 * stays the file's (it was verified on the file as written), `formatVersion` stays 1 so `show`
 * and `apply` can say so. A text that is not one sdrain wrote is a problem at its field.
 */
import type { MethodReason, UntouchedReason } from '../model/plan.js';
import { parseMethodReason } from '../plan/method-reason.js';
import type { PlanProblem } from './validate-plan.js';

const ARRIVALS = /; (\d+) pod\(s\) placed here by an earlier wave$/;

const UNTOUCHED_V1: Record<string, UntouchedReason> = {
  DaemonSet: 'daemonset',
  'mirror pod': 'mirror',
  completed: 'completed',
  terminating: 'terminating',
};

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The format-2 form of a format-1 plan object (a copy), and the texts it could not read. */
export function upgradeFormat1(o: Obj): { plan: Obj; problems: PlanProblem[] } {
  const problems: PlanProblem[] = [];
  const waves = Array.isArray(o.waves) ? o.waves : [];
  const upgraded = waves.map((w, wi) => {
    if (!isObj(w)) return w;
    const actions = Array.isArray(w.actions)
      ? w.actions.map((a, ai) => {
          if (!isObj(a) || typeof a.reason !== 'string') return a;
          const m = ARRIVALS.exec(a.reason);
          const sentence = m ? a.reason.slice(0, m.index) : a.reason;
          const why: MethodReason | undefined = parseMethodReason(sentence);
          if (!why) problems.push({ path: ['waves', wi, 'actions', ai, 'reason'], message: `is "${a.reason}", which is not a reason sdrain writes` });
          return { ...a, reason: sentence, why: why ?? { code: 'UNKNOWN_OWNER' }, arrivedPods: m ? Number(m[1]) : 0 };
        })
      : w.actions;
    const untouched = Array.isArray(w.untouched)
      ? w.untouched.map((u, ui) => {
          if (!isObj(u) || typeof u.reason !== 'string') return u;
          const reason = UNTOUCHED_V1[u.reason];
          if (!reason) problems.push({ path: ['waves', wi, 'untouched', ui, 'reason'], message: `is "${u.reason}", which is not a reason sdrain writes` });
          return { ...u, reason: reason ?? u.reason };
        })
      : w.untouched;
    return { ...w, actions, untouched };
  });
  return { plan: { ...o, waves: upgraded }, problems };
}
