/**
 * The served models, by name. Reloading reads every file first and swaps the whole table in one assignment
 * only when all of them loaded: a request holds the table it started with, so it finishes on the old model
 * or starts on the new one, never on a half-reloaded set, and a bad file on reload keeps the old models.
 */
import { readFileSync } from 'node:fs';
import { loadModel } from '../model-file.js';
import { SoftmaxError } from '../../src/errors.js';
import { fromOnnx } from '../../src/onnx/import.js';
import type { SoftmaxRegression } from '../../src/model/softmax-regression.js';

export interface ModelSpec {
  name: string;
  file: string;
}

export interface ServedModel {
  name: string;
  file: string;
  model: SoftmaxRegression;
  loadedAt: number;
  /** 'INT64' for integer labels, 'BYTES' for strings (Open Inference Protocol datatypes). */
  labelDatatype: 'INT64' | 'BYTES' | 'FP64';
}

/** Parse `NAME=FILE` (the --model flag); a bare FILE is named after its base name without extension. */
export function parseModelSpec(s: string): ModelSpec {
  const eq = s.indexOf('=');
  if (eq > 0) return { name: s.slice(0, eq), file: s.slice(eq + 1) };
  const base = s
    .split(/[\\/]/)
    .pop()!
    .replace(/\.(json|onnx)$/i, '');
  return { name: base, file: s };
}

export function loadServedModel(spec: ModelSpec): ServedModel {
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(spec.name)) {
    throw new SoftmaxError('INVALID_OPTION', `model name '${spec.name}': use letters, digits, '_', '.', '-' (it becomes part of URLs)`);
  }
  let model: SoftmaxRegression;
  if (/\.onnx$/i.test(spec.file)) {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(spec.file);
    } catch (e) {
      throw new SoftmaxError('IO_ERROR', `could not read model file ${spec.file}: ${(e as Error).message}`);
    }
    try {
      model = fromOnnx(bytes);
    } catch (e) {
      throw new SoftmaxError((e as SoftmaxError).code ?? 'MODEL_FORMAT', `${spec.file}: ${(e as Error).message}`);
    }
  } else model = loadModel(spec.file);
  const c = model.classes!;
  const labelDatatype = c.every((x) => typeof x === 'string') ? 'BYTES' : c.every((x) => Number.isInteger(x)) ? 'INT64' : 'FP64';
  return { name: spec.name, file: spec.file, model, loadedAt: Date.now(), labelDatatype };
}

export class ModelRegistry {
  private table: ReadonlyMap<string, ServedModel>;

  constructor(private readonly specs: ModelSpec[]) {
    const names = new Set<string>();
    for (const s of specs) {
      if (names.has(s.name)) throw new SoftmaxError('INVALID_OPTION', `model name '${s.name}' is given twice`);
      names.add(s.name);
    }
    this.table = this.loadAll();
  }

  private loadAll(): Map<string, ServedModel> {
    return new Map(this.specs.map((s) => [s.name, loadServedModel(s)]));
  }

  get(name: string): ServedModel | undefined {
    return this.table.get(name);
  }

  list(): ServedModel[] {
    return [...this.table.values()];
  }

  files(): string[] {
    return this.specs.map((s) => s.file);
  }

  /** Load every file again; swap only if all loaded (else keep serving the old ones and rethrow). */
  reload(): void {
    const next = this.loadAll();
    this.table = next;
  }
}
