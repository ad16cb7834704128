// The `backprop` executable (the shebang is added by tsup).
import { processIo } from './io.js';
import { main } from './main.js';

const code = await main(process.argv.slice(2), processIo());
// Let stdout drain, then leave with the command's code (tfjs keeps no handles that would hold us).
process.exitCode = code;
