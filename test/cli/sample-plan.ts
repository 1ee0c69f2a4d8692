/**
 * Moved to src/render/testing/sample-plan.ts (tests under src/ must not import from test/:
 * tsconfig.build.json's rootDir is src). Kept as a re-export for existing imports.
 */
export { samplePlan } from '../../src/render/testing/sample-plan.js';
