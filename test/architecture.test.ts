/**
 * The layering, checked on the source text: no import cycle between two files or two folders, counting
 * `import type` too. ESLint's import-x/no-cycle skips type-only imports, and a type-level cycle still
 * couples two files (serialize.ts and softmax-regression.ts were one until FittedState moved to state.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const roots = ['src', 'node', 'cli'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

// Static and dynamic imports and re-exports with a relative specifier.
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|^\s*import\s+)['"](\.{1,2}\/[^'"]+)['"]/gm;

function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of roots.flatMap((r) => sourceFiles(join(root, r)))) {
    const text = readFileSync(file, 'utf8');
    const deps: string[] = [];
    for (const m of text.matchAll(IMPORT)) {
      const target = resolve(dirname(file), m[1]!.replace(/\.js$/, '.ts'));
      if (existsSync(target)) deps.push(relative(root, target));
    }
    graph.set(relative(root, file), deps);
  }
  return graph;
}

/** One cycle of the graph, as the list of its nodes, or null when it has none. */
function findCycle(graph: Map<string, string[]>): string[] | null {
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): string[] | null => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (next === node) continue;
      if (state.get(next) === 'open') return [...stack.slice(stack.indexOf(next)), next];
      if (!state.has(next)) {
        const found = visit(next);
        if (found) return found;
      }
    }
    stack.pop();
    state.set(node, 'done');
    return null;
  };
  for (const node of graph.keys()) {
    if (!state.has(node)) {
      const found = visit(node);
      if (found) return found;
    }
  }
  return null;
}

test('the import graph reads the imports (the check below is not vacuous)', () => {
  const graph = importGraph();
  assert.ok(graph.size > 100, `only ${graph.size} files found`);
  assert.ok(graph.get('src/model/serialize.ts')!.includes('src/model/state.ts'), 'type-only imports are edges');
  assert.deepEqual(
    findCycle(
      new Map([
        ['a', ['b']],
        ['b', ['c']],
        ['c', ['a']],
      ]),
    ),
    ['a', 'b', 'c', 'a'],
  );
});

test('no import cycle between two files, type-only imports included', () => {
  const cycle = findCycle(importGraph());
  assert.equal(cycle, null, `import cycle: ${cycle?.join(' -> ')}`);
});

test('no import cycle between two folders: data flows one way', () => {
  // A file directly under a root (src/errors.ts, src/index.ts) is a layer of its own.
  const folderOf = (f: string) => (roots.includes(dirname(f)) ? f : dirname(f));
  const folders = new Map<string, string[]>();
  for (const [file, deps] of importGraph()) {
    const from = folderOf(file);
    const edges = folders.get(from) ?? [];
    for (const d of deps) if (folderOf(d) !== from && !edges.includes(folderOf(d))) edges.push(folderOf(d));
    folders.set(from, edges);
  }
  const cycle = findCycle(folders);
  assert.equal(cycle, null, `folder cycle: ${cycle?.join(' -> ')}`);
});
