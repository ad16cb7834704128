// The CIFAR-10 archive the browser tests load: ../shared/data beside the checkout (where CI has it),
// else the download cache that `scripts/setup.sh` seeds from it (so a clone elsewhere still runs them).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { defaultCacheDir } from '@backprop/data';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const NAME = 'cifar-10-binary.tar.gz';

/** The archive's path; throws naming both places looked at when neither has it. */
export function testArchive(test: string): string {
  const candidates = [path.resolve(repoRoot, '../shared/data', NAME), path.join(defaultCacheDir(), NAME)];
  const found = candidates.find((p) => existsSync(p));
  if (found == null) throw new Error(`${test}: the CIFAR-10 archive must exist at ${candidates.join(' or ')}`);
  return found;
}
