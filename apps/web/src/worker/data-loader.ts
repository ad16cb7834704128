// CIFAR-10 into the worker: from a File the user picked or a URL the server offers
// (`backprop serve --data …` → `?data=/data/cifar-10-binary.tar.gz`), parsed by @backprop/data.
import { loadCifar10, type LabelledData } from '@backprop/data';
import type { DataSource, SampleImages } from '../protocol.js';

export async function loadData(source: DataSource, onProgress: (loaded: number, total: number | null) => void): Promise<LabelledData> {
  let blob: Blob;
  if (source.kind === 'file') blob = source.file;
  else {
    const response = await fetch(source.url);
    if (!response.ok) throw new Error(`loadData: GET ${source.url} answered ${response.status} ${response.statusText}`);
    blob = await response.blob();
  }
  return loadCifar10(blob, { onProgress: (p) => onProgress(p.read, p.total ?? blob.size) });
}

/**
 * `perClass` test images of each class, the first ones in file order, grouped by class: a fixed
 * set, so the prediction grid shows the same images all run long.
 */
export function pickSamples(data: LabelledData, perClass: number): SampleImages {
  const { test, classNames } = data;
  const k = classNames.length;
  const [c, h, w] = test.shape;
  const size = c * h * w;
  const chosen: number[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < test.length && chosen.some((l) => l.length < perClass); i++) {
    const list = chosen[test.labels[i]!];
    if (list && list.length < perClass) list.push(i);
  }
  const order = chosen.flat();
  const images = new Uint8Array(order.length * size);
  const labels = new Uint8Array(order.length);
  order.forEach((rec, j) => {
    images.set(test.images.subarray(rec * size, (rec + 1) * size), j * size);
    labels[j] = test.labels[rec]!;
  });
  return { images, labels, count: order.length, shape: [c, h, w] };
}
