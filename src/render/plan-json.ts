/**
 * The JSON rendering of a plan: byte for byte the plan file's content, so `-o json` output can
 * be saved and applied, and its digest verifies.
 */
import type { Plan } from '../model/plan.js';
import { canonicalJson } from '../planfile/canonical-json.js';

/** The canonical plan-file text (the plan must already carry its digest). */
export function renderPlanJson(plan: Plan): string {
  return canonicalJson(plan);
}
