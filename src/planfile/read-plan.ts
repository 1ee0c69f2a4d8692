/**
 * Reads a plan file back, refusing anything apply must not trust. Checks run in this order,
 * each stopping the read when it fails, because later checks are meaningless after it:
 *   1. JSON syntax (InputError PLAN_INVALID with line and column);
 *   2. apiVersion and kind (InputError PLAN_INVALID: not a plan file);
 *   3. formatVersion: a newer/unknown version is refused with its own message
 *      (SdrainError PLAN_REFUSED — an older sdrain must not guess at a newer format);
 *      format 1 is read and upgraded in memory to format 2's typed fields (format-1.ts);
 *   4. digest recomputed (SdrainError PLAN_REFUSED: "was modified after it was written");
 *   5. structure: schemas/plan.schema.json, then cross-field checks (InputError PLAN_INVALID
 *      listing every problem with line and field).
 * Pure: the caller reads the file.
 */
import { LineCounter, parseDocument, isNode } from 'yaml';
import { InputError, SdrainError, type Diagnostic } from '../errors.js';
import { PLAN_API_VERSION, PLAN_FORMAT_VERSION, type Plan } from '../model/plan.js';
import { DIGEST_PATTERN, computeDigest } from './digest.js';
import { findJsonSyntaxError, lineColumn } from './json-syntax-error.js';
import { validatePlanStructure, formatPlanPath, type PlanPath } from './validate-plan.js';
import { upgradeFormat1 } from './format-1.js';
import { planSchemaProblems } from './plan-schema.js';
import { TOOL_VERSION } from '../version.js';

/** Older formats this sdrain still reads (and upgrades in memory). */
const READABLE_FORMATS: readonly number[] = [1];

/** Parses and verifies the text of a plan file; `file` is used in messages only. */
export function readPlan(text: string, file: string): Plan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw syntaxError(text, file, err);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new InputError('PLAN_INVALID', `Cannot read plan file ${file}: it is not a JSON object`, [{ file, line: 1, column: 1, message: 'expected a JSON object' }]);
  }
  const o = value as Record<string, unknown>;
  const locate = makeLocator(text);

  const envelope: Diagnostic[] = [];
  if (o.apiVersion !== PLAN_API_VERSION) {
    envelope.push({ file, ...locate(['apiVersion']), field: 'apiVersion', message: `is ${describe(o.apiVersion)}, expected "${PLAN_API_VERSION}"` });
  }
  if (o.kind !== 'Plan') envelope.push({ file, ...locate(['kind']), field: 'kind', message: `is ${describe(o.kind)}, expected "Plan"` });
  if (envelope.length > 0) {
    throw new InputError('PLAN_INVALID', `Cannot read plan file ${file}: it is not an sdrain plan`, envelope, 'Pass the file written by `sdrain plan --out`.');
  }

  const fv = o.formatVersion;
  if (typeof fv !== 'number' || !Number.isInteger(fv) || fv < 1) {
    throw new InputError('PLAN_INVALID', `Cannot read plan file ${file}: its format version is missing or invalid`, [
      { file, ...locate(['formatVersion']), field: 'formatVersion', message: `is ${describe(fv)}, expected ${PLAN_FORMAT_VERSION}` },
    ]);
  }
  if (fv !== PLAN_FORMAT_VERSION && !READABLE_FORMATS.includes(fv)) {
    throw new SdrainError(
      'PLAN_REFUSED',
      `Plan file ${file} has format version ${fv}, which sdrain ${TOOL_VERSION} does not read (it reads format versions ${[...READABLE_FORMATS, PLAN_FORMAT_VERSION].join(' and ')})`,
      {
        hint:
          fv > PLAN_FORMAT_VERSION
            ? 'The plan was written by a newer sdrain: use that version to show or apply it.'
            : 'The plan was written by an older sdrain: run `sdrain plan` again with this version.',
      },
    );
  }

  const digest = o.digest;
  if (typeof digest !== 'string' || !DIGEST_PATTERN.test(digest)) {
    throw new InputError('PLAN_INVALID', `Cannot read plan file ${file}: it has no valid digest`, [
      { file, ...locate(['digest']), field: 'digest', message: `is ${describe(digest)}, expected "sha256:" and 64 lowercase hex digits` },
    ]);
  }
  const actual = computeDigest(o);
  if (actual !== digest) {
    throw new SdrainError('PLAN_REFUSED', `Plan file ${file} was modified after it was written: digest ${actual} does not match the recorded ${digest}`, {
      hint: 'Plans cannot be edited: change the maintenance spec and run `sdrain plan` again, then review the new plan.',
    });
  }

  // Format 1: its prose fields become format 2's typed ones (the digest above was the file's).
  const upgraded = fv === 1 ? upgradeFormat1(o) : { plan: o, problems: [] };
  // The schema (types, closed unions), then what a schema cannot check (numbering, pods against
  // podUids, applicable against the findings); a field the schema faulted is reported once.
  const schema = planSchemaProblems(fv === 1 ? { ...upgraded.plan, formatVersion: PLAN_FORMAT_VERSION } : upgraded.plan);
  const covered = new Set(schema.map((p) => formatPlanPath(p.path)));
  const crossField = validatePlanStructure(upgraded.plan).filter((p) => !covered.has(formatPlanPath(p.path)));
  const problems = [...upgraded.problems, ...schema, ...crossField];
  if (problems.length > 0) {
    throw new InputError(
      'PLAN_INVALID',
      `Cannot read plan file ${file}: ${problems.length} problem(s) in its structure`,
      problems.map((p) => ({ file, ...locate(p.path), field: formatPlanPath(p.path), message: p.message })),
      'The file does not look like one sdrain wrote; run `sdrain plan` again.',
    );
  }
  return upgraded.plan as unknown as Plan;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  const s = JSON.stringify(v);
  return s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function syntaxError(text: string, file: string, err: unknown): InputError {
  const found = findJsonSyntaxError(text);
  const v8 = err instanceof Error ? err.message : String(err);
  const m = /at position (\d+)/.exec(v8);
  const where = found ?? (m ? { ...lineColumn(text, Number(m[1])), message: v8 } : { line: undefined, column: undefined, message: v8 });
  return new InputError('PLAN_INVALID', `Cannot read plan file ${file}: it is not valid JSON`, [
    { file, line: where.line, column: where.column, message: where.message },
  ]);
}

/** Finds the line and column of a field (or of its nearest existing parent) in the text. */
function makeLocator(text: string): (path: PlanPath) => { line?: number; column?: number } {
  let doc: ReturnType<typeof parseDocument> | undefined;
  const lc = new LineCounter();
  return (path) => {
    try {
      doc ??= parseDocument(text, { lineCounter: lc, keepSourceTokens: false });
      for (let n = path.length; n >= 0; n--) {
        const node = doc.getIn(path.slice(0, n), true);
        if (isNode(node) && node.range) {
          const pos = lc.linePos(node.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
    } catch {
      // Positions are a courtesy; the message stands without them.
    }
    return {};
  };
}
