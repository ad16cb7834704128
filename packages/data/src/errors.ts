/**
 * A data file that cannot be read: truncated, malformed, or missing. The message names the file,
 * what is wrong and, where it applies, the byte offset; the fields carry the same for code.
 */
export class DataFormatError extends Error {
  override name = 'DataFormatError';
  constructor(
    /** The file (or `archive:member`) at fault. */
    readonly file: string,
    /** What is wrong, without the file name. */
    readonly problem: string,
    /** Byte offset in that file, where one applies. */
    readonly offset?: number,
  ) {
    super(`${file}: ${problem}${offset != null ? ` (at byte offset ${offset})` : ''}`);
  }
}

/** A download or cache problem: offline, checksum mismatch, cache directory not writable. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly code: 'offline' | 'http' | 'checksum' | 'cache-not-writable' | 'interrupted',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
