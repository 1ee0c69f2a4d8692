/**
 * Paths tests share. The workplace's shared folder sits beside the repository (`../shared`),
 * in a developer's checkout and in CI's clean clone alike.
 */
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const SHARED_DIR = join(REPO_ROOT, '..', 'shared');
export const REAL_FIXTURES_DIR = join(SHARED_DIR, 'fixtures', 'real');
