/** Write the HTML report to a file (atomically: an interrupted run never leaves half a report). */
import { buildReport, type ReportInput } from '../src/report/report.js';
import { writeFileAtomic } from './model-file.js';

export async function writeReport(path: string, input: ReportInput): Promise<number> {
  const html = await buildReport(input);
  writeFileAtomic(path, html);
  return html.length;
}
