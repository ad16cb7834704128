// Float64 direct 3×3 convolutions (stride 1, padding 1, NHWC), the reference for the Winograd
// tests on large channel counts (where tfjs-backend-cpu takes minutes) and for the error figures of
// scripts/winograd-error: each output is one float64 sum, so its own rounding is ~1e-16.

export interface ConvShape {
  n: number;
  h: number;
  w: number;
  cin: number;
  cout: number;
}

/**
 * Calls `tap` for every (output pixel, kernel tap) pair whose input pixel lies inside the image
 * (zero padding 1), with the offsets of the output pixel's `cout` values, the input pixel's `cin`
 * values and the tap's [cin, cout] block of the filter. The three convolutions differ only in
 * what they do there.
 */
function forEachTap(s: ConvShape, tap: (outBase: number, inBase: number, wBase: number) => void): void {
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.h; oy++) {
      for (let ox = 0; ox < s.w; ox++) {
        const outBase = ((n * s.h + oy) * s.w + ox) * s.cout;
        for (let kh = 0; kh < 3; kh++) {
          const iy = oy + kh - 1;
          if (iy < 0 || iy >= s.h) continue;
          for (let kw = 0; kw < 3; kw++) {
            const ix = ox + kw - 1;
            if (ix < 0 || ix >= s.w) continue;
            tap(outBase, ((n * s.h + iy) * s.w + ix) * s.cin, (kh * 3 + kw) * s.cin * s.cout);
          }
        }
      }
    }
  }
}

/** y [n, h, w, cout] = conv(x [n, h, w, cin], w [3, 3, cin, cout]) (+ bias). */
export function conv3x3F64(s: ConvShape, x: ArrayLike<number>, w: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const y = new Float64Array(s.n * s.h * s.w * s.cout);
  if (bias) for (let p = 0; p < y.length; p += s.cout) for (let co = 0; co < s.cout; co++) y[p + co] = bias[co]!;
  forEachTap(s, (yBase, xBase, wBase) => {
    for (let ci = 0; ci < s.cin; ci++) {
      const xv = x[xBase + ci]!;
      const wRow = wBase + ci * s.cout;
      for (let co = 0; co < s.cout; co++) y[yBase + co]! += xv * w[wRow + co]!;
    }
  });
  return y;
}

/** dx [n, h, w, cin] from dy [n, h, w, cout]: dx[p, ci] = Σ dy[p − k + 1, co] · w[k, ci, co]. */
export function conv3x3InputGradF64(s: ConvShape, dy: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.cin);
  forEachTap(s, (dyBase, dxBase, wBase) => {
    for (let ci = 0; ci < s.cin; ci++) {
      let sum = 0;
      const wRow = wBase + ci * s.cout;
      for (let co = 0; co < s.cout; co++) sum += dy[dyBase + co]! * w[wRow + co]!;
      dx[dxBase + ci]! += sum;
    }
  });
  return dx;
}

/** dW [3, 3, cin, cout] = Σ over positions of x[p + k − 1, ci] · dy[p, co]. */
export function conv3x3FilterGradF64(s: ConvShape, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dw = new Float64Array(9 * s.cin * s.cout);
  forEachTap(s, (dyBase, xBase, wBase) => {
    for (let ci = 0; ci < s.cin; ci++) {
      const xv = x[xBase + ci]!;
      const wRow = wBase + ci * s.cout;
      for (let co = 0; co < s.cout; co++) dw[wRow + co]! += xv * dy[dyBase + co]!;
    }
  });
  return dw;
}
