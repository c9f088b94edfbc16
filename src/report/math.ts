/**
 * The math of the model in the library's conventions, as MathML (rendered natively by current browsers,
 * no script and no network): objective, gradient, softmax Jacobian and Hessian, parameter layout.
 */

const m = (inner: string, block = true) => `<math${block ? ' display="block"' : ''}>${inner}</math>`;
const i = (s: string) => `<mi>${s}</mi>`;
const n = (s: string) => `<mn>${s}</mn>`;
const o = (s: string) => `<mo>${s}</mo>`;
const sub = (a: string, b: string) => `<msub>${a}${b}</msub>`;
const sup = (a: string, b: string) => `<msup>${a}${b}</msup>`;
const frac = (a: string, b: string) => `<mfrac>${a}${b}</mfrac>`;
const row = (...xs: string[]) => `<mrow>${xs.join('')}</mrow>`;
const tr = (a: string) => sup(a, o('⊤'));
const sumI = `<munder>${o('∑')}${i('i')}</munder>`;

/** One section of HTML with the model's equations; `penalty` and `C` fill in the penalty term. */
export function mathSection(penalty: string, C: number, fitIntercept: boolean): string {
  const Wx = row(i('W'), sub(i('x'), i('i')), fitIntercept ? o('+') + i('b') : '');
  const pen =
    penalty === 'l2'
      ? row(o('+'), frac(n('1'), row(n('2'), i('C'))), sup(sub(row(o('‖'), i('W'), o('‖')), i('F')), n('2')))
      : penalty === 'none'
        ? ''
        : row(o('+'), i('R'), o('('), i('W'), o(')'));
  const penGrad = penalty === 'l2' ? row(o('+'), frac(i('W'), i('C'))) : penalty === 'none' ? '' : row(o('+'), o('∂'), i('R'), o('('), i('W'), o(')'));
  return `
<p>Scores, probabilities and the loss of row <i>i</i> (K classes, d features; <i>s<sub>i</sub></i> = sample weight × class weight):</p>
${m(row(sub(i('z'), i('i')), o('='), Wx, o(','), '<mspace width="1em"/>', sub(i('p'), i('i')), o('='), i('softmax'), o('('), sub(i('z'), i('i')), o(')'), o(','), '<mspace width="1em"/>', sub(i('p'), i('ik')), o('='), frac(sup(i('e'), sub(i('z'), i('ik'))), row(`<munder>${o('∑')}${i('l')}</munder>`, sup(i('e'), sub(i('z'), i('il')))))))}
<p>The objective minimized (losses summed over rows, intercepts unpenalized${penalty === 'l2' ? `; here C = ${C}` : ''}):</p>
${m(row(i('F'), o('('), i('W'), o(','), i('b'), o(')'), o('='), sumI, sub(i('s'), i('i')), o('('), o('−'), i('log'), sub(i('p'), row(i('i'), o(','), sub(i('y'), i('i')))), o(')'), pen))}
<p>Gradient, with <i>P</i> the n×K matrix of probabilities, <i>Y</i> the one-hot labels and <i>S</i> = diag(<i>s</i>). The library stores <i>W</i> as K×d (one row per class, flat index <code>w[k·d + j]</code>, intercepts last), so</p>
${m(row(sub(o('∇'), i('W')), i('F'), o('='), tr(row(o('('), i('P'), o('−'), i('Y'), o(')'))), i('S'), i('X'), penGrad, o(','), '<mspace width="1em"/>', sub(o('∇'), i('b')), i('F'), o('='), tr(row(o('('), i('P'), o('−'), i('Y'), o(')'))), i('s')))}
<p>which is the transpose of the d×K form <math>${row(tr(i('X')), i('S'), o('('), i('P'), o('−'), i('Y'), o(')'))}</math> used by most course notes. One row contributes the outer product <math>${row(o('('), sub(i('p'), i('i')), o('−'), sub(i('y'), i('i')), o(')'), tr(sub(i('x'), i('i'))))}</math>.</p>
<p>The softmax Jacobian, and the Hessian the Newton solvers apply (⊗ = Kronecker product):</p>
${m(row(frac(row(o('∂'), sub(i('p'), i('i'))), row(o('∂'), sub(i('z'), i('i')))), o('='), i('diag'), o('('), sub(i('p'), i('i')), o(')'), o('−'), sub(i('p'), i('i')), tr(sub(i('p'), i('i'))), o(','), '<mspace width="1em"/>', i('H'), o('='), sumI, sub(i('s'), i('i')), o('('), i('diag'), o('('), sub(i('p'), i('i')), o(')'), o('−'), sub(i('p'), i('i')), tr(sub(i('p'), i('i'))), o(')'), o('⊗'), sub(i('x'), i('i')), tr(sub(i('x'), i('i'))), penalty === 'l2' ? row(o('+'), frac(i('I'), i('C'))) : ''))}
<p>The softmax is unchanged when one constant is added to every score, so the intercepts are reported with zero mean across classes (the gauge scikit-learn's fits use); with the L2 penalty the coefficients are unique.</p>`;
}
