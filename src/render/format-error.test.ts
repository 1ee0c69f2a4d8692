import { describe, it, expect } from 'vitest';
import { ClusterError, DriftError, InternalError, SdrainError } from '../errors.js';
import { formatEventNdjson } from './apply-events-ndjson.js';
import { exitCodeFor, formatError } from './format-error.js';

const TOKEN = 'super-secret-token-123';

describe('formatError', () => {
  it('reports an unexpected error as a bug in sdrain, with command, version and a one-line cause, no stack', () => {
    const text = formatError(new TypeError(`Cannot read properties of undefined (reading 'x') Bearer ${TOKEN}\n    at f (file.js:1:1)`), { command: 'plan', version: '9.9.9' });
    expect(text).toBe(
      "error: this is a bug in sdrain (sdrain 9.9.9, command \"plan\"): TypeError: Cannot read properties of undefined (reading 'x') Bearer <redacted>\n" +
        'hint: Please report it with the command you ran; set SDRAIN_DEBUG=1 to print the stack trace.\n',
    );
    expect(exitCodeFor(new TypeError('x'))).toBe(1);
  });

  it('reports an InternalError the same way, naming what failed and its cause', () => {
    const text = formatError(new InternalError('wave 1 failed unexpectedly', { cause: new RangeError('bad') }), { command: 'apply', version: '1.0.0' });
    expect(text.split('\n')[0]).toBe('error: this is a bug in sdrain (sdrain 1.0.0, command "apply"): wave 1 failed unexpectedly: RangeError: bad');
  });

  it('prints the stack of a bug only with SDRAIN_DEBUG (debug)', () => {
    const err = new Error('boom');
    expect(formatError(err, { debug: false })).not.toMatch(/^\s{4}at /m);
    expect(formatError(err, { debug: true })).toMatch(/^\s{4}at /m);
  });

  it('prints an sdrain error as message, status and hint; its cause only with debug', () => {
    const err = new ClusterError('Cannot list nodes: etcd is down', { status: 503, reason: 'ServiceUnavailable', hint: 'Try again.', cause: new Error('socket hang up') });
    expect(formatError(err)).toBe('error: Cannot list nodes: etcd is down\n  (HTTP 503 ServiceUnavailable)\nhint: Try again.\n');
    expect(formatError(err, { debug: true })).toContain('  caused by: Error: socket hang up\n');
  });

  it('keeps exit codes: 3 refused, 130 interrupted, 1 otherwise (also for output-write failures)', () => {
    expect(exitCodeFor(new SdrainError('DRIFT', 'x'))).toBe(3);
    expect(exitCodeFor(new SdrainError('INTERRUPTED', 'x'))).toBe(130);
    expect(exitCodeFor(new SdrainError('OUTPUT_WRITE_FAILED', 'x'))).toBe(1);
  });

  it('renders a DRIFT error\'s changed paths and diff (stderr); --events carries them as fields', () => {
    const err = new DriftError('DRIFT', 'Refusing to apply plan.json: the cluster changed since the plan was made; nothing was changed', {
      changed: ['fingerprint.workloads["Deployment/default/nginx"].replicas'],
      diff: '--- plan.json (reviewed plan)\n+++ plan from the live cluster now\n@@ -1 +1 @@\n-fingerprint.workloads["Deployment/default/nginx"].replicas = 3\n+fingerprint.workloads["Deployment/default/nginx"].replicas = 4',
      hint: 'Run `sdrain plan` again.',
    });
    expect(formatError(err)).toBe(
      'error: Refusing to apply plan.json: the cluster changed since the plan was made; nothing was changed\n' +
        'Changed: fingerprint.workloads["Deployment/default/nginx"].replicas\n' +
        `${err.diff}\n` +
        'hint: Run `sdrain plan` again.\n',
    );
    expect(exitCodeFor(err)).toBe(3);
    const line = JSON.parse(formatEventNdjson({ type: 'refused', at: 0, code: err.code, message: err.message, changed: err.changed, diff: err.diff }));
    expect(line).toMatchObject({ type: 'refused', code: 'DRIFT', changed: err.changed, diff: err.diff });
  });
});
