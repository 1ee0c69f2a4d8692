/**
 * Structure of a plan file from schemas/plan.schema.json, the same file editors and other
 * tools use: the reader checks a file against it (then read-plan.ts checks what a schema cannot).
 * The build compiles it ahead of time (scripts/build-validator.mjs); from source it is compiled
 * here with the options the spec's schema uses.
 */
import { createRequire } from 'node:module';
import type { ValidateFunction } from 'ajv';
import { problemsOf, schemaAjv } from '../spec/schema-diagnostics.js';
import type { PlanProblem } from './validate-plan.js';

/** The compiled plan validator written by the build, next to this module. */
export const PRECOMPILED_PLAN_VALIDATOR = './plan-validator.cjs';

let validator: ValidateFunction | undefined;

/** The JSON schema object shipped in schemas/ (same path relative to src/planfile and dist/planfile). */
export function planSchema(): Record<string, unknown> {
  return createRequire(import.meta.url)('../../schemas/plan.schema.json') as Record<string, unknown>;
}

function compiled(): ValidateFunction {
  if (!validator) {
    try {
      validator = createRequire(import.meta.url)(PRECOMPILED_PLAN_VALIDATOR) as ValidateFunction;
    } catch (e) {
      // Only a missing file means "not built": a broken one must not pass unnoticed.
      if ((e as { code?: string }).code !== 'MODULE_NOT_FOUND') throw e;
      validator = schemaAjv().compile(planSchema());
    }
  }
  return validator;
}

/**
 * Every place a (format-2 shaped) plan object departs from the schema. A bad `why` is one
 * problem at the `why`, not one per alternative the schema offers.
 */
export function planSchemaProblems(plan: unknown): PlanProblem[] {
  const problems = problemsOf(compiled(), plan);
  const out: PlanProblem[] = [];
  const whys = new Set<string>();
  for (const p of problems) {
    const at = p.path.indexOf('why');
    if (at >= 0 && p.path[at - 2] === 'actions') {
      const path = p.path.slice(0, at + 1);
      const key = JSON.stringify(path);
      if (!whys.has(key)) out.push({ path, message: 'must be a code with its parameters, as schemas/plan.schema.json lists them (definitions.why)' });
      whys.add(key);
      continue;
    }
    if (p.path.length === 3 && p.path[0] === 'findings' && p.path[2] === 'code' && /^must be one of/.test(p.message)) {
      const code = ((plan as { findings: { code?: unknown }[] }).findings[p.path[1] as number] ?? {}).code;
      out.push({ path: p.path, message: `is ${JSON.stringify(code)}, which this sdrain does not know (the plan was written by another version; codes are listed in the README's Findings section)` });
      continue;
    }
    out.push({ path: p.path, message: p.message });
  }
  return out;
}
