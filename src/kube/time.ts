/** Kubernetes time forms, one copy each (planner, spec, apply and simulator). */

/** RFC 3339 with second precision, as Kubernetes prints metav1.Time: `2026-03-14T01:00:00Z` (fractions dropped). */
export function isoSeconds(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
