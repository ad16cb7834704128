// Command-line options shared by the bench's small commands (scaling.ts, winograd-modes.ts, pool-spin.ts).

/** `--name N` from argv as a whole number ≥ 1, or `fallback` when absent; errors name the command and option. */
export function wholeNumberOption(command: string, argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${command}: --${name} must be a whole number ≥ 1, got '${argv[i + 1] ?? ''}'`);
  return v;
}
