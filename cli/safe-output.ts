/**
 * Output that must not attack its reader.
 *
 * - Terminal text: labels and feature names come from data files, so they may hold control characters or
 *   terminal escape sequences (ESC [ ... could recolour, retitle or rewrite the user's terminal). `visible`
 *   shows them as escapes (\x1b, \r, \u202e) instead of sending them to the terminal.
 * - CSV for spreadsheets: a cell starting with =, +, -, @, tab or carriage return is run as a formula by
 *   Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). `csvText` prefixes such text cells with a
 *   single quote, which spreadsheets show as text; genuine numbers (-1.5) are left as they are.
 */

/**
 * C0 controls except newline, DEL, C1 controls, and the Unicode bidirectional overrides/isolates and line
 * separators (which reorder or break what is shown without being visible themselves).
 */
const INVISIBLE = /[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/g;

/** `s` with control characters and escape sequences made visible (\x1b, \t, \r, \u202e); newlines kept. */
export function visible(s: string): string {
  return s.replace(INVISIBLE, (c) => {
    if (c === '\t') return '\\t';
    if (c === '\r') return '\\r';
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}

/** As `visible`, and newlines too: for one name or label inside a line. */
export function visibleName(s: string): string {
  return visible(s).replace(/\n/g, '\\n');
}

const FORMULA_START = /^[=+\-@\t\r]/;
const PLAIN_NUMBER = /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/;

/**
 * A text cell made safe for spreadsheets (OWASP CSV injection): text starting with =, +, -, @, tab or CR
 * gets a leading single quote, unless the whole cell is a plain number such as -1 or +2.5e3.
 */
export function csvText(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}
