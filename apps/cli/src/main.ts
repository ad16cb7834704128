// Command dispatch and the error contract: an error is one line on stderr, `backprop: …`, and a
// non-zero exit code (2 for a usage mistake, 1 for a failure while running).
import { dataCommand } from './commands/data.js';
import { experimentCommand } from './commands/experiment.js';
import { gradcheckCommand } from './commands/gradcheck.js';
import { serveCommand } from './commands/serve.js';
import { sweepCommand } from './commands/sweep.js';
import { trainCommand } from './commands/train.js';
import { errorLine, UsageError } from './errors.js';
import { MAIN_HELP } from './help.js';
import type { Io } from './io.js';

const COMMANDS: Record<string, (argv: string[], io: Io) => Promise<number>> = {
  train: trainCommand,
  gradcheck: gradcheckCommand,
  data: dataCommand,
  experiment: experimentCommand,
  serve: serveCommand,
  sweep: sweepCommand,
};

export async function main(argv: string[], io: Io): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.stdout.write(MAIN_HELP);
      return command === undefined ? 2 : 0;
    }
    const run = COMMANDS[command];
    if (!run) throw new UsageError(`unknown command '${command}', expected one of ${Object.keys(COMMANDS).join(', ')}`);
    return await run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`backprop${err.command ? ` ${err.command}` : ''}: ${errorLine(err)} (see 'backprop ${err.command ? `${err.command} ` : ''}--help')\n`);
      return 2;
    }
    io.stderr.write(`backprop${command ? ` ${command}` : ''}: error: ${errorLine(err)}\n`);
    if (process.env.BACKPROP_DEBUG) io.stderr.write(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
