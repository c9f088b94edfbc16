/** The self-contained HTML report (browser-safe: returns a string). */
export { buildReport, type ReportInput, type ReportData } from './report.js';
export { mathSection } from './math.js';
