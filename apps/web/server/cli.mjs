#!/usr/bin/env node
// `pnpm --filter @backprop/web serve [--data <archive>] [--port N]`: the built app with the
// cross-origin-isolation headers (the same function `backprop serve` uses).
import { parseArgs } from 'node:util';
import { serve } from './serve.mjs';

const { values } = parseArgs({ options: { data: { type: 'string' }, port: { type: 'string', default: '5173' }, host: { type: 'string', default: '127.0.0.1' }, root: { type: 'string' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0) {
  console.error(`serve: --port must be a non-negative integer, got '${values.port}'`);
  process.exit(1);
}
try {
  const server = await serve({ root: values.root, dataPath: values.data, port, host: values.host });
  console.log(`Backprop web app at ${server.url}`);
} catch (err) {
  console.error(err.message);
  process.exit(1);
}
