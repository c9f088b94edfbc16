/** A parsed data set: features, labels (as given in the file) and column names when the format has them. */
import type { CSRMatrix } from '../matrix/csr.js';
import type { DenseMatrix } from '../matrix/dense.js';
import type { Label } from '../core/labels.js';

export interface Dataset {
  X: DenseMatrix | CSRMatrix;
  /** One label per row; empty when the data had no label column (e.g. data to predict). */
  y: Label[];
  featureNames: string[] | null;
  /** Where it came from (file name or data set name), for messages. */
  source?: string;
}
