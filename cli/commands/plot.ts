/**
 * `softmax plot KIND`: one plot as SVG or PNG (by the extension of -o; SVG on stdout without -o).
 * Model and data come as for `softmax report`: --model FILE or a model trained here, DATA or --dataset.
 */
import type { Command } from 'commander';
import { type Dataset, calibrationBins, confusionMatrix } from '../../src/index.js';
import { loadModel } from '../../node/model-file.js';
import { emit, UsageError, type CommandContext, type CommandModule } from '../context.js';
import { builtin, selectFeatures } from '../data.js';
import { parseNumberList, parsePositiveInteger, parsePositiveNumber } from '../options.js';
import { checkOutput } from '../outputs.js';
import { visible } from '../safe-output.js';
import { didYouMean } from '../suggest.js';
import { addSourceFlags, computePath, DEFAULT_PATH_GRID, parseImageShape, resolveModelAndData, type Resolved, type SourceFlags } from './report.js';

export const PLOT_KINDS = ['curves', 'regions', 'confusion', 'weights', 'calibration', 'path'] as const;
type Kind = (typeof PLOT_KINDS)[number];

interface PlotFlags extends SourceFlags {
  output?: string;
  grid?: number;
  bins?: number;
  imageShape?: [number, number];
  Cs?: number[];
  pngScale?: number;
  title?: string;
  on?: string;
}

/** Which split a data-dependent plot uses: the test split when there is one (honest numbers), else train. */
function evalSet(r: Resolved, on: string | undefined): { ds: Dataset; name: string } {
  if (on === 'train' && !r.train) throw new UsageError('--on train: there are no training rows here (with --model, a file given alone is evaluation data)');
  if ((on === 'train' || !r.test) && r.train) return { ds: r.train, name: r.trainName! };
  return { ds: r.test!, name: r.testName! };
}

async function render(kind: Kind, ctx: CommandContext, data: string | undefined, f: PlotFlags): Promise<{ svg: string; note: string }> {
  // Plotting (vega, vega-lite: optional packages) loads only here, never for the other commands.
  const { calibrationSvg, coefficientsSvg, confusionSvg, trainingCurvesSvg, pathSvg, decisionRegionsSvg, looksLikeImage, weightsSvg } =
    await import('../../src/plots/index.js');
  if (f.on !== undefined && f.on !== 'train' && f.on !== 'test') throw new UsageError(`--on: expected 'train' or 'test', got '${f.on}'`);
  if (kind === 'curves') {
    // A saved model carries its fit history: no data needed then.
    const model = f.model && !data && !f.dataset ? loadModel(f.model) : (await resolveModelAndData(ctx, data, f)).model;
    const fr = model.fitResult;
    if (!fr || fr.history.length === 0) throw new UsageError(`the model has no fit history to plot${f.model ? ` (${f.model} was saved without one)` : ''}`);
    return { svg: await trainingCurvesSvg(fr.history, { title: f.title }), note: `${fr.history.length} iterations` };
  }
  if (kind === 'regions') {
    if (f.model && f.features) {
      // A saved model of d > 2 features: the plane of the two chosen, the others at their means.
      const saved = loadModel(f.model);
      if (saved.nFeatures !== 2) {
        if (f.features.length !== 2) throw new UsageError(`--features: name two features for the plane, got ${f.features.length}`);
        const names = saved.featureNames;
        if (!names) throw new UsageError('--features: the model has no feature names (LibSVM data); regions need a model with named features');
        const idx = f.features.map((nm) => {
          const j = names.indexOf(nm);
          if (j < 0) throw new UsageError(`--features: the model has no feature '${nm}'${didYouMean(nm, names)}`);
          return j;
        }) as [number, number];
        const r = await resolveModelAndData(ctx, data, { ...f, features: undefined });
        const { ds, name } = f.on === 'test' || !r.train ? evalSet(r, 'test') : { ds: r.train, name: r.trainName! };
        const svg = await decisionRegionsSvg(r.model, ds.X, ds.y, { grid: f.grid, title: f.title, features: idx });
        return { svg, note: `${name}; the other ${saved.nFeatures - 2} features at their means` };
      }
    }
    // Regions need 2-D data: pick two features (default: the first two) before any model is fitted.
    let pre = f;
    if (!f.model && !f.features && f.dataset) {
      const first = builtin(f.dataset).train.featureNames!.slice(0, 2);
      ctx.io.stderr.write(visible(`note: using the first two features (${first.join(', ')}); choose others with --features A,B\n`));
      pre = { ...f, features: first };
    }
    const r = await resolveModelAndData(ctx, data, pre);
    let train = r.train ?? r.test!;
    if (train.X.cols !== 2) {
      if (r.model.nFeatures !== 2 && !f.features)
        throw new UsageError(
          `decision regions need 2 features, the data has ${train.X.cols}: choose two with --features A,B (with --model, the others are held at their means)`,
        );
      if (train.featureNames && pre.features) train = selectFeatures(train, pre.features);
    }
    const { ds, name } = (f.on === 'test' && r.test) || !r.train ? { ds: r.test!, name: r.testName! } : { ds: train, name: r.trainName! };
    return { svg: await decisionRegionsSvg(r.model, ds.X, ds.y, { grid: f.grid, title: f.title }), note: name };
  }
  if (kind === 'path') {
    const r = await resolveModelAndData(ctx, data, f);
    if (!r.train)
      throw new UsageError(
        'a coefficient path refits the model along C on training data: give DATA with --test FILE or --test-size F, or --dataset (with --model, a file given alone is evaluation data)',
      );
    const p = computePath(r.model, r.train, f.Cs ?? DEFAULT_PATH_GRID);
    return {
      svg: await pathSvg(p, { classes: r.model.classes!, featureNames: r.model.featureNames ?? undefined, title: f.title }),
      note: `${p.points.length} values of C on ${r.trainName}`,
    };
  }
  if (kind === 'weights') {
    // Weights need only a model: a saved one, or one trained on the data given.
    const model = f.model && !data && !f.dataset ? loadModel(f.model) : (await resolveModelAndData(ctx, data, f)).model;
    // Image tiles for pixels (or when --image-shape says so); a feature x class heat map for everything else.
    const shape = f.imageShape ?? looksLikeImage(model.nFeatures, model.featureNames);
    if (shape) return { svg: await weightsSvg(model.coef!, model.classes!, { shape, title: f.title }), note: `${model.nClasses} tiles` };
    const svg = await coefficientsSvg(model.coef!, model.classes!, { featureNames: model.featureNames, scaled: model.scaler?.kind ?? null, title: f.title });
    return { svg, note: `${model.nFeatures} features x ${model.nClasses} classes` };
  }
  const r = await resolveModelAndData(ctx, data, f);
  const { ds, name } = evalSet(r, f.on);
  const classes = r.model.classes!;
  if (kind === 'confusion') {
    const pred = r.model.predict(ds.X);
    return { svg: await confusionSvg(confusionMatrix(ds.y, pred, { labels: classes }), { title: f.title, subtitle: undefined }), note: name };
  }
  const P = r.model.predictProbaFlat(ds.X);
  const bins = calibrationBins(ds.y, { rows: ds.y.length, cols: classes.length, data: P }, classes, { bins: f.bins });
  return { svg: await calibrationSvg(bins, { title: f.title }), note: name };
}

async function run(ctx: CommandContext, kind: string, data: string | undefined, f: PlotFlags): Promise<void> {
  if (!(PLOT_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`unknown plot kind '${kind}'; kinds: ${PLOT_KINDS.join(', ')}${didYouMean(kind, PLOT_KINDS)}`);
  checkOutput(f.output);
  const { svg, note } = await render(kind as Kind, ctx, data, f);
  if (f.output) {
    const { writePlot } = await import('../../node/png.js');
    writePlot(f.output, svg, { scale: f.pngScale });
    emit(ctx, f, { kind, output: f.output, note }, () => `wrote ${f.output} (${kind}: ${note})\n`);
  } else if (f.json) {
    emit(ctx, f, { kind, svg, note }, () => '');
  } else {
    if (f.pngScale !== undefined) throw new UsageError('--png-scale needs a PNG file: -o plot.png');
    ctx.io.stdout.write(svg + '\n');
  }
}

const command: CommandModule = {
  register(program: Command, ctx: CommandContext) {
    const cmd = program
      .command('plot')
      .description(`write one plot as SVG or PNG: ${PLOT_KINDS.join(' | ')}`)
      .argument('<KIND>', `${PLOT_KINDS.join(', ')}`)
      .argument('[DATA]', "labelled data file, or '-' for CSV on stdin")
      .option('-o, --output <file>', 'output file: .svg or .png (default: SVG on stdout)')
      .option('--on <set>', "data for confusion/calibration/regions: 'test' (default when there is a test set) or 'train'")
      .option('--grid <n>', 'regions: cells per axis (default 60)', parsePositiveInteger)
      .option('--bins <n>', 'calibration: number of confidence bins (default 10)', parsePositiveInteger)
      .option(
        '--image-shape <WxH>',
        'weights: draw image tiles of this shape (default: tiles only when the features look like pixels, else a feature x class heat map)',
        parseImageShape,
      )
      .option('--Cs <list>', `path: C values (default ${DEFAULT_PATH_GRID.join(',')})`, parseNumberList)
      .option('--png-scale <x>', 'PNG pixels per SVG pixel (default 2)', parsePositiveNumber)
      .option('--title <text>', 'plot title');
    addSourceFlags(cmd, 'plot');
    cmd.addHelpText(
      'after',
      '\nExamples:\n  softmax plot regions --dataset iris --features petal_length_cm,petal_width_cm -o regions.png\n  softmax plot weights --dataset digits -o weights.svg\n  softmax plot curves --model model.json -o curves.png\n  softmax plot confusion --model model.json test.csv -o confusion.png',
    );
    cmd.action((kind: string, d: string | undefined, flags: PlotFlags) => run(ctx, kind, d, flags));
  },
};
export default command;
