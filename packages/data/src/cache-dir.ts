// Where downloads are kept: the `cacheDir` option, else $BACKPROP_CACHE, else
// $XDG_CACHE_HOME/backprop, else ~/.cache/backprop (%LOCALAPPDATA%\backprop on Windows).
// Read from the environment directly so that this module needs no node: import.

const env = (): Record<string, string | undefined> => (typeof process !== 'undefined' && process.env ? process.env : {});

/** The per-user cache directory for downloaded data sets. */
export function defaultCacheDir(): string {
  const e = env();
  if (e.BACKPROP_CACHE) return e.BACKPROP_CACHE;
  if (e.XDG_CACHE_HOME) return `${e.XDG_CACHE_HOME.replace(/[\\/]+$/, '')}/backprop`;
  const windows = typeof process !== 'undefined' && process.platform === 'win32';
  if (windows && e.LOCALAPPDATA) return `${e.LOCALAPPDATA}\\backprop`;
  const home = e.HOME ?? e.USERPROFILE;
  if (!home) throw new Error('defaultCacheDir: no HOME, XDG_CACHE_HOME or BACKPROP_CACHE set; pass cacheDir');
  return `${home.replace(/[\\/]+$/, '')}/.cache/backprop`;
}
