// The tsup build copies tfjs's WASM files beside the bundle (tsup.config.ts); from sources
// (vitest) they are not there, and the caller falls back to the tfjs package's own copies.

/** The folder of this module, when it is a built bundle holding every one of `files`; otherwise null. Node only. */
export async function bundleDirWith(...files: string[]): Promise<string | null> {
  const here = new URL('./', import.meta.url);
  if (here.protocol !== 'file:') return null;
  const { existsSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  return files.every((file) => existsSync(fileURLToPath(new URL(file, here)))) ? fileURLToPath(here) : null;
}
