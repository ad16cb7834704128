// A page that uses only @backprop/data: its bundle must not contain tfjs (pack-check measures it).
import { DataSet, loadCifar10, parseCifarBinary } from '@backprop/data';
import { syntheticCifarBinary } from './synthetic-cifar.js';

/** What pack-check reads back from the page (window.packCheck). */
type Result = { ok: true; batchShape: number[]; labels: number[]; badArchive: string } | { ok: false; error: string };
const report = (result: Result): void => {
  (globalThis as { packCheck?: Result }).packCheck = result;
};

try {
  const split = parseCifarBinary(syntheticCifarBinary(20, 7), 'synthetic.bin');
  const batch = new DataSet(split, { seed: 1, layout: 'nhwc' }).nextBatch(5);
  // loadCifar10 on bytes runs in a browser too: ten bytes are no archive, and it must say so.
  const badArchive = await loadCifar10(new Uint8Array(10)).then(
    () => 'accepted',
    (err: unknown) => (err instanceof Error ? err.name : String(err)),
  );
  report({ ok: true, batchShape: batch.xShape, labels: Array.from(batch.labels), badArchive });
} catch (err) {
  report({ ok: false, error: err instanceof Error ? `${err.message}\n${err.stack}` : String(err) });
}
