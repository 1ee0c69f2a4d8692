/**
 * A plan in one of the output formats of `sdrain plan -o` and `sdrain show -o` (json = the plan
 * file's canonical bytes). Shared by the CLI and the demo.
 */
import type { Plan } from '../model/plan.js';
import { renderPlanTable } from './plan-table.js';
import { renderPlanMarkdown } from './plan-markdown.js';
import { renderPlanJson } from './plan-json.js';

export const OUTPUT_FORMATS = ['table', 'json', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The plan in one of the output formats. */
export function renderPlanAs(plan: Plan, format: OutputFormat, color: boolean): string {
  if (format === 'json') return renderPlanJson(plan);
  if (format === 'markdown') return renderPlanMarkdown(plan);
  return renderPlanTable(plan, { color });
}
