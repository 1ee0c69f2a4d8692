/**
 * Events are one resource served in two API groups: core `v1` (involvedObject, message, source,
 * firstTimestamp/lastTimestamp/count) and `events.k8s.io/v1` (regarding, note,
 * reportingController, eventTime, series). The real API server converts between them; the
 * simulator stores one object carrying both sets of fields, filled at create time from
 * whichever was written, so `kubectl get events`, `kubectl describe` (core, field selector
 * involvedObject.*) and events.k8s.io clients all see an Event whichever group created it.
 */
import type { KubeObject } from '../../model/k8s.js';

type Obj = Record<string, unknown>;

/** Fills the other group's fields of a new Event in place (never overwrites what was written). */
export function fillEventViews(o: KubeObject): void {
  const e = o as Obj;
  const set = (k: string, v: unknown) => {
    if (e[k] === undefined && v !== undefined) e[k] = v;
  };
  // events.k8s.io/v1 → core v1
  set('involvedObject', e.regarding);
  set('related', e.related);
  set('message', e.note);
  if (e.source === undefined && typeof e.reportingController === 'string') e.source = { component: e.reportingController, ...(typeof e.reportingInstance === 'string' ? { host: e.reportingInstance } : {}) };
  const time = typeof e.eventTime === 'string' ? e.eventTime.replace(/\.\d+Z$/, 'Z') : undefined;
  set('firstTimestamp', time);
  set('lastTimestamp', time);
  if (e.count === undefined && e.eventTime !== undefined) e.count = ((e.series as Obj | undefined)?.count as number | undefined) ?? 1;
  // core v1 → events.k8s.io/v1
  set('regarding', e.involvedObject);
  set('note', e.message);
  const src = e.source as Obj | undefined;
  set('reportingController', e.reportingComponent ?? src?.component);
  set('reportingInstance', e.reportingInstance ?? src?.host);
  set('deprecatedSource', src);
  set('deprecatedFirstTimestamp', e.firstTimestamp);
  set('deprecatedLastTimestamp', e.lastTimestamp);
  set('deprecatedCount', e.count);
}
