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

/** y [n, h, w, cout] = conv(x [n, h, w, cin], w [3, 3, cin, cout]) (+ bias). */
export function conv3x3F64(s: ConvShape, x: ArrayLike<number>, w: ArrayLike<number>, bias?: ArrayLike<number>): Float64Array {
  const y = new Float64Array(s.n * s.h * s.w * s.cout);
  const acc = new Float64Array(s.cout);
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.h; oy++) {
      for (let ox = 0; ox < s.w; ox++) {
        for (let co = 0; co < s.cout; co++) acc[co] = bias ? bias[co]! : 0;
        for (let kh = 0; kh < 3; kh++) {
          const iy = oy + kh - 1;
          if (iy < 0 || iy >= s.h) continue;
          for (let kw = 0; kw < 3; kw++) {
            const ix = ox + kw - 1;
            if (ix < 0 || ix >= s.w) continue;
            const xBase = ((n * s.h + iy) * s.w + ix) * s.cin;
            const wBase = (kh * 3 + kw) * s.cin * s.cout;
            for (let ci = 0; ci < s.cin; ci++) {
              const xv = x[xBase + ci]!;
              const wRow = wBase + ci * s.cout;
              for (let co = 0; co < s.cout; co++) acc[co]! += xv * w[wRow + co]!;
            }
          }
        }
        y.set(acc, ((n * s.h + oy) * s.w + ox) * s.cout);
      }
    }
  }
  return y;
}

/** dx [n, h, w, cin] from dy [n, h, w, cout]: dx[p, ci] = Σ dy[p − k + 1, co] · w[k, ci, co]. */
export function conv3x3InputGradF64(s: ConvShape, dy: ArrayLike<number>, w: ArrayLike<number>): Float64Array {
  const dx = new Float64Array(s.n * s.h * s.w * s.cin);
  for (let n = 0; n < s.n; n++) {
    for (let iy = 0; iy < s.h; iy++) {
      for (let ix = 0; ix < s.w; ix++) {
        const out = ((n * s.h + iy) * s.w + ix) * s.cin;
        for (let kh = 0; kh < 3; kh++) {
          const oy = iy - kh + 1;
          if (oy < 0 || oy >= s.h) continue;
          for (let kw = 0; kw < 3; kw++) {
            const ox = ix - kw + 1;
            if (ox < 0 || ox >= s.w) continue;
            const dyBase = ((n * s.h + oy) * s.w + ox) * s.cout;
            const wBase = (kh * 3 + kw) * s.cin * s.cout;
            for (let ci = 0; ci < s.cin; ci++) {
              let sum = 0;
              const wRow = wBase + ci * s.cout;
              for (let co = 0; co < s.cout; co++) sum += dy[dyBase + co]! * w[wRow + co]!;
              dx[out + ci]! += sum;
            }
          }
        }
      }
    }
  }
  return dx;
}

/** dW [3, 3, cin, cout] = Σ over positions of x[p + k − 1, ci] · dy[p, co]. */
export function conv3x3FilterGradF64(s: ConvShape, x: ArrayLike<number>, dy: ArrayLike<number>): Float64Array {
  const dw = new Float64Array(9 * s.cin * s.cout);
  for (let n = 0; n < s.n; n++) {
    for (let oy = 0; oy < s.h; oy++) {
      for (let ox = 0; ox < s.w; ox++) {
        const dyBase = ((n * s.h + oy) * s.w + ox) * s.cout;
        for (let kh = 0; kh < 3; kh++) {
          const iy = oy + kh - 1;
          if (iy < 0 || iy >= s.h) continue;
          for (let kw = 0; kw < 3; kw++) {
            const ix = ox + kw - 1;
            if (ix < 0 || ix >= s.w) continue;
            const xBase = ((n * s.h + iy) * s.w + ix) * s.cin;
            const wBase = (kh * 3 + kw) * s.cin * s.cout;
            for (let ci = 0; ci < s.cin; ci++) {
              const xv = x[xBase + ci]!;
              const wRow = wBase + ci * s.cout;
              for (let co = 0; co < s.cout; co++) dw[wRow + co]! += xv * dy[dyBase + co]!;
            }
          }
        }
      }
    }
  }
  return dw;
}
