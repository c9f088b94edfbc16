/**
 * A small XML parser for the SVG the plots produce, so plot tests can check structure (marks, axes,
 * legends) instead of substrings. Handles what Vega's SVG renderer writes: elements, attributes in double
 * quotes, text, self-closing tags, entities.
 */
export interface El {
  name: string;
  attrs: Record<string, string>;
  children: El[];
  text: string;
  parent: El | null;
}

const ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&apos;': "'" };
const decode = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|apos|#39);|&#(\d+);|&#x([0-9a-f]+);/gi, (m, _n, dec, hex) =>
    dec ? String.fromCodePoint(+dec) : hex ? String.fromCodePoint(parseInt(hex, 16)) : (ENTITIES[m] ?? m),
  );

export function parseSvg(svg: string): El {
  const root: El = { name: '#root', attrs: {}, children: [], text: '', parent: null };
  let cur = root;
  const re = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|([^<]+)|<!--[\s\S]*?-->|<\?[\s\S]*?\?>/g;
  let m: RegExpExecArray | null;
  let pos = 0;
  while ((m = re.exec(svg))) {
    if (m.index !== pos) throw new Error(`unparsed SVG at offset ${pos}: ${svg.slice(pos, pos + 40)}`);
    pos = re.lastIndex;
    if (m[5] !== undefined) {
      cur.text += decode(m[5]);
      continue;
    }
    if (!m[2]) continue;
    if (m[1]) {
      if (cur.name !== m[2]) throw new Error(`mismatched </${m[2]}> closing <${cur.name}>`);
      cur = cur.parent!;
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of m[3]!.matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1]!] = decode(a[2]!);
    const el: El = { name: m[2], attrs, children: [], text: '', parent: cur };
    cur.children.push(el);
    if (!m[4]) cur = el;
  }
  if (pos !== svg.length) throw new Error(`trailing SVG at offset ${pos}`);
  if (cur !== root) throw new Error(`unclosed <${cur.name}>`);
  const svgEl = root.children.find((c) => c.name === 'svg');
  if (!svgEl) throw new Error('no <svg> element');
  return svgEl;
}

export function all(el: El, pred: (e: El) => boolean, out: El[] = []): El[] {
  for (const c of el.children) {
    if (pred(c)) out.push(c);
    all(c, pred, out);
  }
  return out;
}

const hasClass = (e: El, ...cls: string[]) => e.name === 'g' && cls.every((c) => (e.attrs.class ?? '').split(/\s+/).includes(c));

/** The drawn items (paths, texts) of every Vega mark group of the given mark type and role. */
export function marks(svg: El, type: string, role = 'role-mark'): El[] {
  return all(svg, (e) => hasClass(e, `mark-${type}`, role)).flatMap((g) => g.children.filter((c) => c.name !== 'g'));
}

/** Text of every text item under groups with the given role (e.g. role-axis-title, role-legend-label). */
export function texts(svg: El, role: string): string[] {
  return all(svg, (e) => hasClass(e, role))
    .flatMap((g) => all(g, (c) => c.name === 'text'))
    .map((t) => t.text.trim());
}
