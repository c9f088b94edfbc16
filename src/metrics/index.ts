/** Classification metrics (browser-safe). */
export {
  accuracy,
  confusionMatrix,
  precisionRecallF1,
  type ConfusionMatrix,
  type PrecisionRecallF1,
  type AveragedScores,
  type LabelMetricOptions,
} from './classification.js';
export {
  logLoss,
  topKAccuracy,
  brierScore,
  calibrationBins,
  expectedCalibrationError,
  eceOfBins,
  LOG_LOSS_EPS,
  DEFAULT_CALIBRATION_BINS,
  type LogLossOptions,
  type ProbaMetricOptions,
  type CalibrationOptions,
  type CalibrationBin,
} from './probabilistic.js';
export { classificationReport, formatClassificationReport, formatConfusionMatrix, type ClassificationReport, type ClassReportRow } from './report.js';
export type { ProbaLike } from './common.js';
