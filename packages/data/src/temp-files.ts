// Temp files written beside their target and renamed into place (run-folder files, downloads):
// `.<file>.<pid>-<8 hex>.tmp` or `.part`. The pid in the name says who is writing it, so that a
// later run or cache user can tell a temp file left by a killed process (its pid is gone) from one
// another process is writing right now — and remove only the former. The live process keeps a
// list of its own temp files, so that an exit at once (second Ctrl-C) can remove them too.
// Node only where noted; importing this module needs no node: module.

/** `.<base>.<pid>-<hex>.tmp|part` — the name a temp file of `base` gets. */
export const TEMP_FILE_PATTERN = /^\.(.+)\.(\d+)-[0-9a-f]{8}\.(tmp|part)$/;

/** The temp files this process is writing now (absolute paths). */
export const activeTempFiles = new Set<string>();

/** The temp name for `base` written by this process: `.<base>.<pid>-<hex>.<suffix>`. */
export function tempFileName(base: string, suffix: 'tmp' | 'part', hex: string): string {
  return `.${base}.${process.pid}-${hex}.${suffix}`;
}

/** Whether process `pid` is alive (on this machine). EPERM means alive, owned by another user. */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as { code?: string }).code === 'EPERM';
  }
}

/**
 * Removes the temp files in `dir` whose writer is gone (Node only). Files of live processes are
 * kept, this process's own included. Returns the names removed.
 */
export async function removeStaleTempFiles(dir: string): Promise<string[]> {
  const fs = await import('node:fs/promises');
  const path = await import('node:path');
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  const removed: string[] = [];
  for (const name of names) {
    const m = TEMP_FILE_PATTERN.exec(name);
    if (!m) continue;
    const pid = Number(m[2]);
    if (pid === process.pid || isProcessAlive(pid)) continue;
    await fs.rm(path.join(dir, name), { force: true }).catch(() => {});
    removed.push(name);
  }
  return removed;
}
