/**
 * The documentation stays true to the repository: every relative link in README.md and docs/ (and the
 * other READMEs) names a file that exists, every #anchor names a heading of the target page, no page
 * points to a path outside the repository, and the README stays a front door (at most ~15 KB).
 */
import { strict as assert } from 'node:assert';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function markdownFiles(): string[] {
  const out = ['README.md', 'data/README.md', 'test/fixtures/README.md'].map((f) => join(ROOT, f));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (name.endsWith('.md')) out.push(p);
    }
  };
  if (existsSync(join(ROOT, 'docs'))) walk(join(ROOT, 'docs'));
  return out.filter((f) => existsSync(f));
}

/** Markdown text with fenced code blocks and inline code removed (links inside code are not links). */
function prose(text: string): string {
  return text.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to '-', repeats numbered. */
function anchors(text: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of text.replace(/^```[\s\S]*?^```/gm, '').split('\n')) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const slug = m[1]!
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const n = seen.get(slug) ?? 0;
    seen.set(slug, n + 1);
    out.add(n === 0 ? slug : `${slug}-${n}`);
  }
  return out;
}

it('every relative link in the docs resolves to a file (and heading) in the repository', () => {
  const problems: string[] = [];
  for (const file of markdownFiles()) {
    const text = readFileSync(file, 'utf8');
    for (const m of prose(text).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const [path, anchor] = target.split('#') as [string, string | undefined];
      const abs = path === '' ? file : resolve(dirname(file), decodeURI(path));
      const where = `${relative(ROOT, file)}: (${target})`;
      if (!abs.startsWith(ROOT + '/') && abs !== ROOT) {
        problems.push(`${where} points outside the repository`);
        continue;
      }
      if (!existsSync(abs)) {
        problems.push(`${where}: ${relative(ROOT, abs)} does not exist`);
        continue;
      }
      if (anchor && abs.endsWith('.md') && !anchors(readFileSync(abs, 'utf8')).has(anchor)) {
        problems.push(`${where}: no heading '#${anchor}' in ${relative(ROOT, abs)}`);
      }
    }
  }
  assert.deepEqual(problems, []);
});

it('no page refers to a path outside the repository', () => {
  const problems: string[] = [];
  for (const file of markdownFiles()) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (/\.\.\/shared\b|\/work\/|ARCHITECTURE\.md/.test(line)) problems.push(`${relative(ROOT, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  assert.deepEqual(problems, []);
});

it('README.md is a front door of at most ~15 KB', () => {
  const bytes = statSync(join(ROOT, 'README.md')).size;
  assert.ok(bytes <= 15 * 1024, `README.md is ${bytes} bytes; move details to a page under docs/`);
});
