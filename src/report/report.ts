/**
 * `softmax report`: one self-contained HTML page about a fitted model on a data set. Everything is inline
 * (CSS, SVG plots, MathML), so the file opens offline and can be mailed or archived as is. Browser-safe:
 * it builds a string; writing the file is the caller's job.
 */
import { DataError, listForMessage } from '../errors.js';
import type { Label } from '../core/labels.js';
import type { MatrixLike } from '../model/input.js';
import type { SoftmaxRegression } from '../model/softmax-regression.js';
import {
  accuracy,
  brierScore,
  calibrationBins,
  classificationReport,
  confusionMatrix,
  expectedCalibrationError,
  logLoss,
  topKAccuracy,
} from '../metrics/index.js';
import { calibrationSvg } from '../plots/calibration.js';
import { confusionSvg } from '../plots/confusion.js';
import { fmtNum, trainingCurvesSvg } from '../plots/curves.js';
import { pathSvg, type PathInput, type PathPointsInput } from '../plots/path.js';
import { decisionRegionsSvg } from '../plots/regions.js';
import { weightsSvg } from '../plots/weights.js';
import { coefficientsSvg, looksLikeImage } from '../plots/coefficients.js';
import { mathSection } from './math.js';

export interface ReportData {
  X: MatrixLike;
  /** Labels, of the same type as the model's classes. */
  y: Label[];
  /** Shown in headings, e.g. "digits (test)". */
  name: string;
}

export interface ReportInput {
  model: SoftmaxRegression;
  /** The training rows; null for a saved model evaluated on other data (then `test` is required). */
  train: ReportData | null;
  /** Held-out or evaluation data: metrics, confusion matrix and calibration are shown for it when given. */
  test?: ReportData | null;
  title?: string;
  /** What the data are (origin, licence). */
  description?: string;
  /**
   * Image shape of the features for the weight tiles; default: square tiles when the features look like
   * pixels (looksLikeImage), else a feature x class coefficient heat map; null: always the heat map.
   */
  imageShape?: [number, number] | null;
  /** A regularization path to plot: regularizationPath's result, or any {C, coef}. */
  path?: PathInput | PathPointsInput | null;
  /** Where the path comes from, when that needs saying (e.g. refitted on other data than the model's). */
  pathNote?: string;
  /** Footer line, e.g. the command that made the report and the package version. */
  generator?: string;
  /** Timestamp printed in the header (default now); tests pass a fixed one. */
  date?: Date;
}

interface SetScores {
  name: string;
  rows: number;
  accuracy: number;
  logLoss: number;
  brier: number;
  ece: number;
  top2: number | null;
}

const esc = (s: unknown) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

function scoresOf(model: SoftmaxRegression, d: ReportData) {
  const classes = model.classes!;
  const known = new Set<Label>(classes);
  const unknown = d.y.find((v) => !known.has(v));
  if (unknown !== undefined)
    throw new DataError(
      'INVALID_LABEL',
      `${d.name}: label ${JSON.stringify(unknown)} is not one of the model's classes (${listForMessage(
        classes.map((c) => JSON.stringify(c)),
        { quote: '' },
      )})`,
    );
  const P = model.predictProbaFlat(d.X);
  const K = classes.length;
  const proba = { rows: d.y.length, cols: K, data: P };
  const logP = model.predictLogProba(d.X);
  const yPred = Array.from(model.predictIndex(d.X), (k) => classes[k]!);
  const s: SetScores = {
    name: d.name,
    rows: d.y.length,
    accuracy: accuracy(d.y, yPred),
    logLoss: logLoss(d.y, logP, classes, { log: true }),
    brier: brierScore(d.y, proba, classes),
    ece: expectedCalibrationError(d.y, proba, classes),
    top2: K > 2 ? topKAccuracy(d.y, proba, classes, 2) : null,
  };
  return { s, yPred, proba };
}

const CSS = `
:root{--fg:#1d2330;--muted:#5b6475;--line:#e3e6ec;--accent:#4c78a8;--bg:#fff;--panel:#f7f8fa}
*{box-sizing:border-box}body{margin:0;font:15px/1.55 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:var(--fg);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:28px 24px 60px}h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:36px 0 10px;padding-bottom:4px;border-bottom:2px solid var(--line)}
h3{font-size:16px;margin:20px 0 6px}.sub{color:var(--muted);margin:0}nav{margin:14px 0 0;font-size:14px}nav a{margin-right:14px;color:var(--accent);text-decoration:none}
table{border-collapse:collapse;margin:8px 0;font-size:14px}td,th{padding:4px 12px 4px 0;text-align:left;border-bottom:1px solid var(--line);vertical-align:top}
th{color:var(--muted);font-weight:600}td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(340px,1fr));gap:18px}.plot{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px;overflow-x:auto}
.plot svg{max-width:100%;height:auto;display:block}.note{color:var(--muted);font-size:13.5px}.warn{background:#fff6e0;border:1px solid #f0d48a;padding:8px 12px;border-radius:6px}
math[display=block]{margin:10px 0;font-size:17px;overflow-x:auto}code{font-size:13px;background:var(--panel);padding:1px 4px;border-radius:3px}
footer{margin-top:40px;color:var(--muted);font-size:13px}`;

/** Build the report. Plots are rendered here (Vega, headless), so this takes a second or two on MNIST. */
export async function buildReport(input: ReportInput): Promise<string> {
  const { model } = input;
  if (!model.classes || !model.coef) throw new DataError('EMPTY_DATA', 'report: the model is not fitted');
  const classes = model.classes;
  const o = model.options;
  const fr = model.fitResult;
  const fitJson = model.toJSON().fit;
  const evalSet = input.test ?? input.train;
  if (!evalSet) throw new DataError('EMPTY_DATA', 'report: give training data, test data, or both');
  const train = input.train ? scoresOf(model, input.train) : null;
  const test = input.test ? scoresOf(model, input.test) : null;
  const ev = (test ?? train)!;
  const d = model.nFeatures;

  const plots: Array<{ id: string; title: string; svg: string; note: string }> = [];
  const history = fr?.history ?? fitJson?.history;
  if (history && (Array.isArray(history) ? history.length > 0 : history.iteration.length > 0)) {
    plots.push({
      id: 'curves',
      title: 'Training curves',
      svg: await trainingCurvesSvg(history, { subtitle: `${fr?.solver ?? o.solver}: ${fr?.iterations ?? '?'} iterations, ${fr?.message ?? ''}` }),
      note: 'Objective F and the largest gradient component per solver iteration, on log scales.',
    });
  }
  if (d === 2) {
    const pts = input.train ?? evalSet;
    plots.push({
      id: 'regions',
      title: 'Decision regions',
      svg: await decisionRegionsSvg(model, pts.X, pts.y, { subtitle: `${pts.name}: shade = predicted class, intensity = its probability` }),
      note: `Each cell of the plane is coloured by the predicted class, more opaque where that class is more probable; points are the ${input.train ? 'training' : 'evaluation'} rows.`,
    });
  }
  const cm = confusionMatrix(evalSet.y, ev.yPred, { labels: classes });
  plots.push({
    id: 'confusion',
    title: `Confusion matrix (${evalSet.name})`,
    svg: await confusionSvg(cm, { subtitle: `${evalSet.name}: ${evalSet.y.length} rows, accuracy ${(100 * ev.s.accuracy).toFixed(2)}%` }),
    note: 'Rows: true class; columns: predicted class. Colour: row-normalized rate (recall on the diagonal).',
  });
  const bins = calibrationBins(evalSet.y, ev.proba, classes);
  plots.push({
    id: 'calibration',
    title: `Reliability diagram (${evalSet.name})`,
    svg: await calibrationSvg(bins),
    note: 'Fraction correct against confidence (the top probability), in 10 bins. Bars below the diagonal: over-confident.',
  });
  const shape = input.imageShape === undefined ? looksLikeImage(d, model.featureNames) : input.imageShape;
  const scaledNote = model.scaler ? ` (on the ${model.scaler.kind}-scaled features the model was fitted on)` : '';
  if (shape && shape[0] * shape[1] === d) {
    plots.push({
      id: 'weights',
      title: 'Learned weights',
      svg: await weightsSvg(model.coef, classes, { shape }),
      note: `Each class's coefficient row w_k as a ${shape[0]}x${shape[1]} image${scaledNote}.`,
    });
  } else {
    plots.push({
      id: 'weights',
      title: 'Coefficients',
      svg: await coefficientsSvg(model.coef, classes, { featureNames: model.featureNames, scaled: model.scaler?.kind ?? null }),
      note: `One row per feature, one column per class: w_kj${scaledNote}. Red pushes a row towards the class, blue away from it; with standardized features the sizes are comparable across features.`,
    });
  }
  if (input.path) {
    plots.push({
      id: 'path',
      title: 'Coefficient paths',
      svg: await pathSvg(input.path, { classes, featureNames: model.featureNames ?? undefined }),
      note: `Every coefficient along a warm-started regularization path; small C (strong penalty) pulls all of them to 0.${input.pathNote ? ` Path ${input.pathNote}.` : ''}`,
    });
  }

  const fitRows: Array<[string, string]> = [
    ['classes', `${classes.length}: ${classes.map(esc).join(', ')}`],
    ['features', `${d}${model.featureNames ? ` (${model.featureNames.slice(0, 8).map(esc).join(', ')}${d > 8 ? ', …' : ''})` : ''}`],
    [
      'options',
      esc(
        `solver ${o.solver}, penalty ${o.penalty}, C ${o.C}, scale ${o.scale}, tol ${o.tol}, maxIter ${o.maxIter}, fitIntercept ${o.fitIntercept}${o.classWeight ? `, classWeight ${JSON.stringify(o.classWeight)}` : ''}`,
      ),
    ],
  ];
  const summary = fr ?? fitJson;
  if (summary) {
    fitRows.push(
      ['result', esc(summary.message)],
      [
        'iterations',
        `${summary.iterations} (${summary.functionEvaluations} function, ${summary.gradientEvaluations} gradient evaluations${summary.hessianVectorProducts ? `, ${summary.hessianVectorProducts} Hessian-vector products` : ''})`,
      ],
      ['objective', `${fmtNum(summary.value)} (max |gradient| ${fmtNum(summary.gradientNorm)})`],
      ['fit time', `${summary.elapsedMs.toFixed(1)} ms on ${summary.nSamples} rows`],
    );
  }
  const advice = summary?.advice ?? [];

  const metricRows = [...(train ? [train.s] : []), ...(test ? [test.s] : [])];
  const rep = classificationReport(evalSet.y, ev.yPred, { labels: classes });
  const date = input.date ?? new Date();
  const title = input.title ?? 'Softmax regression report';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(title)}</title><style>${CSS}</style></head>
<body><main>
<header><h1>${esc(title)}</h1>
<p class="sub">${input.train ? `trained on ${esc(input.train.name)}${input.test ? ` · evaluated on ${esc(input.test.name)}` : ''}` : `a saved model evaluated on ${esc(input.test!.name)}`} · ${esc(date.toISOString().slice(0, 19).replace('T', ' '))} UTC</p>
${input.description ? `<p class="note">${esc(input.description)}</p>` : ''}
<nav><a href="#fit">Fit</a><a href="#metrics">Metrics</a><a href="#math">Math</a>${plots.map((p) => `<a href="#${p.id}">${esc(p.title.replace(/ \(.*\)$/, ''))}</a>`).join('')}</nav></header>

<section id="fit"><h2>Fit summary</h2>
<table>${fitRows.map(([k, v]) => `<tr><th>${k}</th><td>${v}</td></tr>`).join('')}</table>
${advice.length ? `<div class="warn"><b>Advice</b><ul>${advice.map((a) => `<li>${esc(a)}</li>`).join('')}</ul></div>` : ''}
</section>

<section id="metrics"><h2>Metrics</h2>
<table><tr><th>data</th><th class="n">rows</th><th class="n">accuracy</th>${classes.length > 2 ? '<th class="n">top-2 accuracy</th>' : ''}<th class="n">log loss</th><th class="n">Brier score</th><th class="n">ECE</th></tr>
${metricRows.map((s) => `<tr><td>${esc(s.name)}</td><td class="n">${s.rows}</td><td class="n">${s.accuracy.toFixed(4)}</td>${s.top2 !== null ? `<td class="n">${s.top2.toFixed(4)}</td>` : ''}<td class="n">${s.logLoss.toFixed(4)}</td><td class="n">${s.brier.toFixed(4)}</td><td class="n">${s.ece.toFixed(4)}</td></tr>`).join('\n')}</table>
<p class="note">Log loss: mean −log p of the true class. Brier score: mean squared distance between p and the one-hot label. ECE: expected calibration error over 10 confidence bins.</p>
<h3>Per class (${esc(evalSet.name)})</h3>
<table><tr><th>class</th><th class="n">precision</th><th class="n">recall</th><th class="n">F1</th><th class="n">support</th></tr>
${rep.classes.map((r) => `<tr><td>${esc(r.label)}</td><td class="n">${r.precision.toFixed(4)}</td><td class="n">${r.recall.toFixed(4)}</td><td class="n">${r.f1.toFixed(4)}</td><td class="n">${r.support}</td></tr>`).join('\n')}
<tr><th>macro avg</th><td class="n">${rep.macro.precision.toFixed(4)}</td><td class="n">${rep.macro.recall.toFixed(4)}</td><td class="n">${rep.macro.f1.toFixed(4)}</td><td class="n">${rep.macro.support}</td></tr>
<tr><th>weighted avg</th><td class="n">${rep.weighted.precision.toFixed(4)}</td><td class="n">${rep.weighted.recall.toFixed(4)}</td><td class="n">${rep.weighted.f1.toFixed(4)}</td><td class="n">${rep.weighted.support}</td></tr></table>
</section>

<section id="math"><h2>The model</h2>${mathSection(o.penalty, o.C, o.fitIntercept)}</section>

${plots.map((p) => `<section id="${p.id}"><h2>${esc(p.title)}</h2><div class="plot">${p.svg.replace(/^<\?xml[^>]*>/, '')}</div><p class="note">${esc(p.note)}</p></section>`).join('\n')}

<footer>${esc(input.generator ?? 'softmax-regression')} · self-contained: no scripts, no network.</footer>
</main></body></html>
`;
  return html;
}
