/**
 * "Did you mean ...?" for words the user typed that are not one of a known list: plot kinds, data set
 * names, option values the library rejects, help topics. Unknown commands and options get commander's own
 * suggestion; this follows the same rule (edit distance, at most 3 edits, at least 40% of the letters kept)
 * so a suggestion reads the same wherever it comes from, and adds a case-insensitive exact match first
 * (`--c` -> `--C`), which an edit-distance rule alone misses on one-letter words.
 */
import { distance } from 'fastest-levenshtein';

const MAX_DISTANCE = 3;
const MIN_SIMILARITY = 0.4;

/** The closest candidates to `word` (several when tied), or [] when none is close enough. */
export function similar(word: string, candidates: readonly string[]): string[] {
  const lower = word.toLowerCase();
  const exact = candidates.filter((c) => c.toLowerCase() === lower && c !== word);
  if (exact.length > 0) return exact;
  let best: string[] = [];
  let bestDistance = MAX_DISTANCE + 1;
  for (const c of new Set(candidates)) {
    if (c.length <= 1) continue;
    const dist = distance(lower, c.toLowerCase());
    const length = Math.max(word.length, c.length);
    if ((length - dist) / length <= MIN_SIMILARITY) continue;
    if (dist < bestDistance) {
      bestDistance = dist;
      best = [c];
    } else if (dist === bestDistance) best.push(c);
  }
  return best;
}

/** " (Did you mean X?)" in commander's wording, or '' when nothing is close. */
export function didYouMean(word: string, candidates: readonly string[]): string {
  const s = similar(word, candidates);
  if (s.length === 0) return '';
  return s.length === 1 ? ` (Did you mean ${s[0]}?)` : ` (Did you mean one of ${s.join(', ')}?)`;
}
