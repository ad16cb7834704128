// MaxPoolGrad, NHWC: dx[at] += dy[o] where `at` is the first maximum of output o's window among the
// real (unpadded) positions — tfjs-backend-cpu's rule. Four channels at a time (compare, select).
// A thread takes a range of whole images: windows never cross images, so each dx element gets its
// adds in one order for any split, and a thread reads and writes one contiguous block (split over
// channels, both threads streamed every pixel: 22 ms on 2 threads against 15 on one, CNN step).

/** dx of images [b0, b1) (zeroed first) from the windows of x. */
export function maxPoolGrad(
  x: usize, dy: usize, dx: usize, n: i32, h: i32, w: i32, c: i32, oh: i32, ow: i32,
  fh: i32, fw: i32, sh: i32, sw: i32, padT: i32, padL: i32, b0: i32, b1: i32,
): void {
  memory.fill(dx + <usize>(b0 * h * w * c) * 4, 0, <usize>((b1 - b0) * h * w * c) * 4);
  const c0 = 0, c1 = c;
  let o = b0 * oh * ow; // output pixel
  for (let b = b0; b < b1; b++) {
    const image = b * h * w;
    for (let y = 0; y < oh; y++) {
      const h0 = y * sh - padT;
      const hs = h0 > 0 ? h0 : 0;
      const he = h0 + fh < h ? h0 + fh : h;
      for (let xo = 0; xo < ow; xo++, o++) {
        const w0 = xo * sw - padL;
        const ws = w0 > 0 ? w0 : 0;
        const we = w0 + fw < w ? w0 + fw : w;
        if (hs >= he || ws >= we) continue;
        let ch = c0;
        for (; ch + 4 <= c1; ch += 4) {
          let first = image + hs * w + ws;
          let best = v128.load(x + <usize>(first * c + ch) * 4);
          let at = i32x4.splat(first);
          for (let yy = hs; yy < he; yy++) {
            for (let xx = ws; xx < we; xx++) {
              const pix = image + yy * w + xx;
              if (pix == first) continue;
              const v = v128.load(x + <usize>(pix * c + ch) * 4);
              const greater = f32x4.gt(v, best);
              best = v128.bitselect(v, best, greater);
              at = v128.bitselect(i32x4.splat(pix), at, greater);
            }
          }
          const g = v128.load(dy + <usize>(o * c + ch) * 4);
          let a = dx + <usize>(i32x4.extract_lane(at, 0) * c + ch) * 4;
          store<f32>(a, load<f32>(a) + f32x4.extract_lane(g, 0));
          a = dx + <usize>(i32x4.extract_lane(at, 1) * c + ch + 1) * 4;
          store<f32>(a, load<f32>(a) + f32x4.extract_lane(g, 1));
          a = dx + <usize>(i32x4.extract_lane(at, 2) * c + ch + 2) * 4;
          store<f32>(a, load<f32>(a) + f32x4.extract_lane(g, 2));
          a = dx + <usize>(i32x4.extract_lane(at, 3) * c + ch + 3) * 4;
          store<f32>(a, load<f32>(a) + f32x4.extract_lane(g, 3));
        }
        for (; ch < c1; ch++) {
          let at = image + hs * w + ws;
          let best = load<f32>(x + <usize>(at * c + ch) * 4);
          for (let yy = hs; yy < he; yy++) {
            for (let xx = ws; xx < we; xx++) {
              const pix = image + yy * w + xx;
              const v = load<f32>(x + <usize>(pix * c + ch) * 4);
              if (v > best) { best = v; at = pix; }
            }
          }
          const a = dx + <usize>(at * c + ch) * 4;
          store<f32>(a, load<f32>(a) + load<f32>(dy + <usize>(o * c + ch) * 4));
        }
      }
    }
  }
}
