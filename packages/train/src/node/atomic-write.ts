// Writes that never leave a half-written file: write a temp file beside the target, flush it,
// rename it over the target (atomic on one file system), then flush the folder so that the rename
// itself survives a power cut. A crash or Ctrl-C mid-write leaves the previous version intact and,
// at worst, a temp file `.<file>.<pid>-<hex>.tmp` that the next run in the folder removes (its pid
// is dead; see @backprop/data's temp-files). While written, the temp file is listed in
// `activeTempFiles`, so that an exit at once (second Ctrl-C) can remove it.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { activeTempFiles, syncDir, tempFileName } from '@backprop/data';

/**
 * For scripts/kill-test.mjs only: hold every write open this long between writing the temp file
 * and renaming it, so that a SIGKILL can be aimed inside a given file's write. Unset: no delay.
 */
const testWriteDelayMs = Number(process.env.BACKPROP_TEST_WRITE_DELAY_MS ?? 0) || 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.resolve(path.dirname(file), tempFileName(path.basename(file), 'tmp', randomBytes(4).toString('hex')));
  activeTempFiles.add(temp);
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  let done = false;
  try {
    handle = await open(temp, 'w');
    await handle.writeFile(data);
    if (testWriteDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, testWriteDelayMs));
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    done = true;
    await syncDir(path.dirname(file));
  } finally {
    if (!done) {
      await handle?.close().catch(() => {});
      await rm(temp, { force: true }).catch(() => {});
    }
    activeTempFiles.delete(temp);
  }
}
