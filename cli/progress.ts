/**
 * A progress bar for long fits: only when stdout and stderr are terminals (never when piped or with
 * --json), and only once the fit has run for SHOW_AFTER_MS, so short fits print nothing extra. Drawn on
 * stderr so stdout stays clean.
 */
import { createRequire } from 'node:module';
import type cliProgressTypes from 'cli-progress';
import type { IterationCallback, IterationInfo } from '../src/index.js';
import type { CliIO } from './context.js';

/** Fits shorter than this never show a bar (a flash of a bar is noise). */
const SHOW_AFTER_MS = 1000;

export interface FitProgress {
  onIteration: IterationCallback;
  stop(): void;
}

export function fitProgress(io: CliIO, maxIter: number, enabled: boolean): FitProgress | null {
  if (!enabled || !io.stdout.isTTY || !io.stderr.isTTY) return null;
  let bar: cliProgressTypes.SingleBar | null = null;
  const payload = (info: IterationInfo) => ({ objective: info.value.toPrecision(8), grad: info.gradientNorm.toExponential(2) });
  return {
    onIteration(info) {
      if (!bar) {
        if (info.elapsedMs < SHOW_AFTER_MS) return;
        // Loaded when a bar is first drawn (a terminal and a fit over a second), not at every start-up.
        const cliProgress = createRequire(import.meta.url)('cli-progress') as typeof cliProgressTypes;
        bar = new cliProgress.SingleBar(
          {
            stream: io.stderr as NodeJS.WritableStream,
            format: 'fitting [{bar}] iter {value}/{total}  objective {objective}  max|g| {grad}  {duration}s',
            hideCursor: true,
            clearOnComplete: true,
            etaBuffer: 50,
          },
          cliProgress.Presets.shades_classic,
        );
        bar.start(maxIter, info.iteration, payload(info));
      } else bar.update(info.iteration, payload(info));
    },
    stop() {
      bar?.stop();
    },
  };
}
