/**
 * Plots as Vega-Lite specs and SVG strings (browser-safe; PNG files come from `softmax-regression/node`).
 * Each kind has a `...Spec` (to embed or restyle) and a `...Svg` (rendered headless).
 */
export { renderSvg, toVega, type TopLevelSpec } from './render.js';
export { CLASS_COLORS, classColor, hexToRgb, VEGA_CONFIG } from './theme.js';
export { trainingCurvesSpec, trainingCurvesSvg, historyRows, type HistoryInput, type HistoryRow, type CurvesOptions } from './curves.js';
export { decisionRegionsSpec, decisionRegionsSvg, regionGrid, dataBounds, type RegionsOptions, type RegionGrid } from './regions.js';
export { confusionSpec, confusionSvg, type ConfusionOptions } from './confusion.js';
export { weightsSpec, weightsSvg, imageShape, type WeightsOptions } from './weights.js';
export { coefficientsSpec, coefficientsSvg, looksLikeImage, type CoefficientsOptions } from './coefficients.js';
export { calibrationSpec, calibrationSvg, type CalibrationOptions } from './calibration.js';
export { pathSpec, pathSvg, pathInputOf, type PathInput, type PathPointsInput, type PathOptions } from './path.js';
