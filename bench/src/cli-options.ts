// Command-line options shared by the bench's small commands (scaling.ts, winograd-modes.ts, pool-spin.ts): whole numbers and comma lists.

/** `--name N` from argv as a whole number ≥ 1, or `fallback` when absent; errors name the command and option. */
export function wholeNumberOption(command: string, argv: readonly string[], name: string, fallback: number): number {
  const i = argv.indexOf(`--${name}`);
  if (i < 0) return fallback;
  const v = Number(argv[i + 1]);
  if (!Number.isInteger(v) || v < 1) throw new Error(`${command}: --${name} must be a whole number ≥ 1, got '${argv[i + 1] ?? ''}'`);
  return v;
}

/** `--name a,b,c` from argv split at commas, or `fallback` when absent. */
export function listOption(argv: readonly string[], name: string, fallback: string): string[] {
  const i = argv.indexOf(`--${name}`);
  return (i < 0 ? fallback : (argv[i + 1] ?? '')).split(',');
}
