// Where the CLI's data comes from: `--data <archive|folder>` if given, else the cached download
// (fetched on first use). Node only.
import { DownloadError, ensureCifar10, loadCifar10, type DownloadProgress, type LabelledData, type ReadProgress } from '@backprop/data';

export interface LoadDataOptions {
  /** Path of cifar-10-binary.tar.gz (or the python archive, or an extracted folder); default: the cache. */
  data?: string;
  /** Cache folder (default: @backprop/data's defaultCacheDir()). */
  cacheDir?: string;
  onDownloadProgress?: (p: DownloadProgress) => void;
  onReadProgress?: (p: ReadProgress) => void;
  signal?: AbortSignal;
  /** For tests: the fetch used for the download. */
  fetch?: typeof fetch;
  /** Refuse batch files whose record counts do not fit CIFAR-10 (what a training run wants). */
  checkRecordCounts?: boolean;
  /** How a cached archive is checked (see ensureCifar10's `verify`). */
  verify?: 'size' | 'md5';
  /** Told what happened to a file already in the cache. */
  onCached?: (c: { file: string; status: 'verified' | 'bad'; detail: string }) => void;
  /** What to tell the user to do when the download fails (default: pass --data). */
  offlineHint?: string;
}

/** The path to load: `data` as given, or the cached archive, downloading it if need be. */
export async function resolveDataPath({ data, cacheDir, onDownloadProgress, signal, fetch, verify, onCached, offlineHint }: LoadDataOptions): Promise<string> {
  if (data) return data;
  try {
    return await ensureCifar10({ cacheDir, onProgress: onDownloadProgress, signal, fetch, verify, onCached });
  } catch (err) {
    if (err instanceof DownloadError && (err.code === 'offline' || err.code === 'http' || err.code === 'interrupted')) {
      const reason = err.code === 'interrupted' ? `interrupted: ${err.message}` : err.code;
      throw new Error(`CIFAR-10 is not in the cache and could not be downloaded (${reason}): ${offlineHint ?? 'pass --data path/to/cifar-10-binary.tar.gz'}`, { cause: err });
    }
    throw err;
  }
}

export async function loadData(options: LoadDataOptions): Promise<{ data: LabelledData; source: string }> {
  const source = await resolveDataPath(options);
  const data = await loadCifar10(source, { onProgress: options.onReadProgress, checkRecordCounts: options.checkRecordCounts });
  return { data, source };
}
