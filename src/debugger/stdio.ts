/** `dist/debug-adapter.js`: the stand-alone adapter over stdio (same as `x64emu dap`). */
import { runDebugAdapter } from './main.js';

runDebugAdapter(process.argv.slice(2));
