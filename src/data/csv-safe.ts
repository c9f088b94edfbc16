/**
 * CSV cells that spreadsheets must not run as formulas (OWASP "CSV injection"). Excel, LibreOffice and
 * Google Sheets evaluate a cell starting with =, +, -, @, tab or carriage return; a leading single quote
 * makes them show it as text. Used wherever the library writes CSV that holds text from data (class labels,
 * kept columns, column names): `softmax predict` and the server's text/csv answers. Browser-safe.
 */

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A text cell made safe for spreadsheets: text starting with =, +, -, @, tab or CR gets a leading single
 * quote, unless the whole cell is a plain number such as -1 or +2.5e3 (numbers stay numbers).
 */
export function csvText(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}
