// Loading CIFAR-10 for a command, with progress on stderr: the download (first use of the cache)
// and the reading of the archive.
import type { LabelledData } from '@backprop/data';
import { loadData } from '@backprop/train/node';
import { mb, type Io } from './io.js';

export interface DataFlags {
  data: string | undefined;
  cacheDir: string | undefined;
}

export async function loadCifarWithProgress(flags: DataFlags, io: Io, options: { checkRecordCounts?: boolean } = {}): Promise<{ data: LabelledData; source: string }> {
  const err = io.stderr;
  let lastPercent = -1;
  const report = (label: string, done: number, total: number | undefined) => {
    const percent = total ? Math.floor((100 * done) / total) : -1;
    if (percent === lastPercent) return;
    lastPercent = percent;
    const text = `${label} ${total ? `${String(percent).padStart(3)}% ${mb(done)} / ${mb(total)}` : mb(done)}`;
    if (err.isTTY) err.write(`\r${text}\x1b[K`);
    else if (percent % 25 === 0) err.write(`${text}\n`);
  };
  const t = performance.now();
  const result = await loadData({
    data: flags.data,
    cacheDir: flags.cacheDir,
    onDownloadProgress: (p) => report('downloading CIFAR-10', p.received, p.total),
    onReadProgress: (p) => report('reading CIFAR-10', p.read, p.total),
    checkRecordCounts: options.checkRecordCounts,
  });
  if (err.isTTY) err.write('\r\x1b[K');
  err.write(`data: ${result.source} (${result.data.train.length} train, ${result.data.test.length} test, ${((performance.now() - t) / 1000).toFixed(1)} s)\n`);
  return result;
}
