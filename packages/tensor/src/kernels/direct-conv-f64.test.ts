// The float64 reference convolutions: a hand-computed case, and the three passes consistent with
// each other (the gradients are the adjoints of the forward: ⟨conv(x, w), dy⟩ = ⟨x, dx⟩ = ⟨w, dW⟩).
import { describe, expect, it } from 'vitest';
import { Rng } from '../random.js';
import { conv3x3F64, conv3x3FilterGradF64, conv3x3InputGradF64, type ConvShape } from './direct-conv-f64.js';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
const normal = (rng: Rng, n: number) => rng.fillNormal(new Float64Array(n));

describe('float64 direct 3×3 convolutions', () => {
  it('a 1×1 image sees only the centre tap, plus the bias', () => {
    const s: ConvShape = { n: 1, h: 1, w: 1, cin: 2, cout: 1 };
    const w = new Float64Array(9 * 2);
    w.fill(100); // every off-centre tap would add 100s
    w[4 * 2] = 2; // centre tap, ci 0
    w[4 * 2 + 1] = 3; // centre tap, ci 1
    expect(Array.from(conv3x3F64(s, [1, 10], w, [0.5]))).toEqual([32.5]);
  });

  it.each([
    { n: 2, h: 5, w: 4, cin: 3, cout: 2 },
    { n: 1, h: 1, w: 7, cin: 1, cout: 4 },
  ])('the input and filter gradients are the adjoints of the forward: %o', (s) => {
    const rng = new Rng(3);
    const x = normal(rng, s.n * s.h * s.w * s.cin);
    const w = normal(rng, 9 * s.cin * s.cout);
    const dy = normal(rng, s.n * s.h * s.w * s.cout);
    const forward = dot(conv3x3F64(s, x, w), dy);
    expect(dot(x, conv3x3InputGradF64(s, dy, w))).toBeCloseTo(forward, 10);
    expect(dot(w, conv3x3FilterGradF64(s, x, dy))).toBeCloseTo(forward, 10);
  });
});
