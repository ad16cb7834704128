// Opens an archive (tar or tar.gz, from any ByteSource) as a stream of tar members.
import { isGzip, peek, readChunks, sourceName, sourceSize, withProgress, type ByteSource, type ReadProgress } from './byte-source.js';
import { DataFormatError } from './errors.js';
import { gunzip } from './gunzip.js';
import { readTar, type MemberSink, type TarMember } from './tar-reader.js';

/**
 * Streams `source` (gzip-compressed or not) through a tar reader; each member for which `want`
 * returns a sink has its data streamed into it.
 */
export async function readArchive(
  source: ByteSource,
  want: (member: TarMember) => MemberSink | null,
  onProgress?: (p: ReadProgress) => void,
): Promise<{ members: TarMember[]; complete: boolean; name: string }> {
  const name = sourceName(source);
  const raw = onProgress ? withProgress(readChunks(source), await sourceSize(source), onProgress) : readChunks(source);
  const { head, rest } = await peek(raw[Symbol.asyncIterator](), 2);
  if (head.length === 0) throw new DataFormatError(name, 'the file is empty (expected a .tar.gz or .tar archive)');
  const chunks = isGzip(head) ? gunzip(rest, name) : rest;
  const result = await readTar(chunks, name, want);
  return { ...result, name };
}

/** The last path component of a member name. */
export const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
