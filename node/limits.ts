/**
 * The Node layer's memory budget: half of the machine's memory (os.totalmem), set as the library default
 * when this module is imported (softmax-regression/node and the CLI import it), instead of the core's fixed
 * 2 GiB. Callers override it per call (maxMemory options) or globally with setDefaultLimits.
 */
import { totalmem } from 'node:os';
import { setDefaultLimits } from '../src/core/limits.js';

/** Half the physical memory: room for the OS and other processes, and a clear error instead of swapping. */
export function nodeDefaultMaxMemory(): number {
  return Math.max(256 * 1024 ** 2, Math.floor(totalmem() / 2));
}

setDefaultLimits({ maxMemory: nodeDefaultMaxMemory() });
