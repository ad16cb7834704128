// backprop serve: the built web app with the COOP/COEP headers its WASM threads need, and a
// CIFAR-10 archive at a URL the page loads by itself (`?data=…`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parse, nonNegativeIntFlag } from '../args.js';
import { UsageError } from '../errors.js';
import { SERVE_HELP } from '../help.js';
import type { Io } from '../io.js';

export async function serveCommand(argv: string[], io: Io): Promise<number> {
  const { values } = parse(argv, { data: { type: 'string' }, port: { type: 'string' }, host: { type: 'string' } }, 'serve');
  if (values.help) {
    io.stdout.write(SERVE_HELP);
    return 0;
  }
  const dataPath = values.data === undefined ? undefined : path.resolve(values.data as string);
  if (dataPath && !existsSync(dataPath)) throw new UsageError(`--data: no such file '${dataPath}'`, 'serve');
  const port = values.port === undefined ? 5173 : nonNegativeIntFlag('--port', values.port as string, 'serve', 65535);
  const { serve } = await import('@backprop/web/server');
  const server = await serve({ dataPath, port, host: (values.host as string | undefined) ?? '127.0.0.1' });
  io.stdout.write(`Backprop web app (cross-origin isolated) at ${server.url}\nCtrl-C to stop.\n`);
  await new Promise<void>((resolve) => process.once('SIGINT', () => resolve()));
  await server.close();
  return 0;
}
