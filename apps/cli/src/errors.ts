// Errors the CLI reports as one line. A UsageError is the user's input (exit 2, with a pointer to
// --help); anything else is a failure while running (exit 1).
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    /** The command whose --help to point at, e.g. 'train'. */
    readonly command?: string,
  ) {
    super(message);
  }
}

/** The one line printed for an error: the message, its first line only, with the cause when it adds something. */
export function errorLine(err: unknown): string {
  const e = err as Error;
  const message = (e?.message ?? String(err)).split('\n')[0]!.trim();
  return message || String(err);
}
