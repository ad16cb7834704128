// Writes that never leave a half-written file: write a temp file beside the target, flush it,
// then rename over the target (atomic on one file system). A crash or Ctrl-C mid-write leaves the
// previous version intact.
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import path from 'node:path';

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const handle = await open(temp, 'w');
  let done = false;
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temp, file);
    done = true;
  } finally {
    if (!done) {
      await handle.close().catch(() => {});
      await rm(temp, { force: true }).catch(() => {});
    }
  }
}
