// The browser's copy of @backprop/train/node's dataSha256 (that one uses node:crypto): SHA-256 over
// the shapes, class names, and every label and pixel of both splits, in order. The same hash, so a
// checkpoint written by the page resumes in the CLI on the same data only, and the other way round.
import type { LabelledData } from '@backprop/data';

export async function dataSha256(data: LabelledData): Promise<string> {
  const head = new TextEncoder().encode(
    JSON.stringify({ classNames: data.classNames, train: [data.train.length, ...data.train.shape], test: [data.test.length, ...data.test.shape] }),
  );
  const parts = [head, data.train.labels, data.train.images, data.test.labels, data.test.images];
  // SubtleCrypto hashes one buffer, not a stream: ~180 MB copied once, then hashed natively.
  const all = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  const digest = await crypto.subtle.digest('SHA-256', all);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
