// BatchNorm over the rows of x [M, C] (the N·H·W positions of an NHWC activation), fused: the
// forward in three passes over the channel range instead of ~11 elementwise kernels, the backward
// in two instead of ~8. Four channels at a time; a thread takes a range of channels, so every sum
// runs over the rows in order, the same for any thread count. The float32 formulas are those of
// @backprop/layers' BatchNorm (Ioffe & Szegedy's closed-form backward):
//   μ = Σx/M,  σ² = Σ(x−μ)²/M,  r = 1/√(σ²+ε),  x̂ = (x−μ)·r,  y = x̂·γ + β
//   dβ = Σdy,  dγ = Σdy·x̂,  dx = (dy·M − dβ − x̂·dγ) · (γ·r/M)

/** Channels [c0, c1): writes y, x̂ [M, C] and mean, variance (biased), invStd [C]. */
export function batchNormForward(
  x: usize, m: i32, c: i32, gamma: usize, beta: usize, eps: f32,
  y: usize, xHat: usize, mean: usize, variance: usize, invStd: usize, c0: i32, c1: i32,
): void {
  const row = <usize>c * 4;
  const count = <f32>m;
  for (let ch = c0; ch < c1; ch += 4) {
    const lanes = c1 - ch;
    if (lanes >= 4) {
      const col = <usize>ch * 4;
      let s = f32x4.splat(0);
      let p = x + col;
      for (let r = 0; r < m; r++, p += row) s = f32x4.add(s, v128.load(p));
      const mu = f32x4.div(s, f32x4.splat(count));
      let s2 = f32x4.splat(0);
      p = x + col;
      for (let r = 0; r < m; r++, p += row) {
        const d = f32x4.sub(v128.load(p), mu);
        s2 = f32x4.add(s2, f32x4.mul(d, d));
      }
      const v = f32x4.div(s2, f32x4.splat(count));
      const rs = f32x4.div(f32x4.splat(1), f32x4.sqrt(f32x4.add(v, f32x4.splat(eps))));
      v128.store(mean + col, mu);
      v128.store(variance + col, v);
      v128.store(invStd + col, rs);
      const g = v128.load(gamma + col);
      const b = v128.load(beta + col);
      let off = col;
      for (let r = 0; r < m; r++, off += row) {
        const h = f32x4.mul(f32x4.sub(v128.load(x + off), mu), rs);
        v128.store(xHat + off, h);
        v128.store(y + off, f32x4.add(f32x4.mul(h, g), b));
      }
    } else {
      for (let k = ch; k < c1; k++) {
        const col = <usize>k * 4;
        let s: f32 = 0;
        for (let r = 0; r < m; r++) s += load<f32>(x + col + <usize>r * row);
        const mu = s / count;
        let s2: f32 = 0;
        for (let r = 0; r < m; r++) {
          const d = load<f32>(x + col + <usize>r * row) - mu;
          s2 += d * d;
        }
        const v = s2 / count;
        const rs: f32 = 1 / Mathf.sqrt(v + eps);
        store<f32>(mean + col, mu);
        store<f32>(variance + col, v);
        store<f32>(invStd + col, rs);
        const g = load<f32>(gamma + col);
        const b = load<f32>(beta + col);
        for (let r = 0; r < m; r++) {
          const off = col + <usize>r * row;
          const h = (load<f32>(x + off) - mu) * rs;
          store<f32>(xHat + off, h);
          store<f32>(y + off, h * g + b);
        }
      }
    }
  }
}

/** Channels [c0, c1): dx [M, C], dGamma, dBeta [C] from dy, x̂ [M, C] and γ, invStd [C]. */
export function batchNormBackward(
  dy: usize, xHat: usize, m: i32, c: i32, gamma: usize, invStd: usize,
  dx: usize, dGamma: usize, dBeta: usize, c0: i32, c1: i32,
): void {
  const row = <usize>c * 4;
  const count = <f32>m;
  for (let ch = c0; ch < c1; ch += 4) {
    if (c1 - ch >= 4) {
      const col = <usize>ch * 4;
      let sd = f32x4.splat(0);
      let sdh = f32x4.splat(0);
      let off = col;
      for (let r = 0; r < m; r++, off += row) {
        const d = v128.load(dy + off);
        sd = f32x4.add(sd, d);
        sdh = f32x4.add(sdh, f32x4.mul(d, v128.load(xHat + off)));
      }
      v128.store(dBeta + col, sd);
      v128.store(dGamma + col, sdh);
      const k = f32x4.div(f32x4.mul(v128.load(gamma + col), v128.load(invStd + col)), f32x4.splat(count));
      const mm = f32x4.splat(count);
      off = col;
      for (let r = 0; r < m; r++, off += row) {
        const t = f32x4.sub(f32x4.sub(f32x4.mul(v128.load(dy + off), mm), sd), f32x4.mul(v128.load(xHat + off), sdh));
        v128.store(dx + off, f32x4.mul(t, k));
      }
    } else {
      for (let q = ch; q < c1; q++) {
        const col = <usize>q * 4;
        let sd: f32 = 0;
        let sdh: f32 = 0;
        for (let r = 0; r < m; r++) {
          const off = col + <usize>r * row;
          const d = load<f32>(dy + off);
          sd += d;
          sdh += d * load<f32>(xHat + off);
        }
        store<f32>(dBeta + col, sd);
        store<f32>(dGamma + col, sdh);
        const k: f32 = (load<f32>(gamma + col) * load<f32>(invStd + col)) / count;
        for (let r = 0; r < m; r++) {
          const off = col + <usize>r * row;
          store<f32>(dx + off, ((load<f32>(dy + off) * count - sd) - load<f32>(xHat + off) * sdh) * k);
        }
      }
    }
  }
}
