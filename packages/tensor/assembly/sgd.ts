// One SGD step of one parameter in a single pass: torch.optim.SGD's rule (torch 1.13 – 2.x,
// `_single_tensor_sgd`), with the float32 operations of @backprop/layers' SGD (and the manual
// SGD's θ − lr·g, the same bits: p + g·(−lr) = p − g·lr exactly) in their order and without fused
// multiply-adds, so the result is bit-identical to the op-by-op path:
//   d = −g if maximize, else g;   d = d + p·weightDecay          (when weightDecay ≠ 0)
//   momentum ≠ 0:  buf' = d on the first step (no buf), else buf·momentum + d·(1 − dampening)
//                  d = d + buf'·momentum (nesterov), else d = buf'
//   p' = p + d·(−lr)
// `flags`: 1 maximize, 2 weight decay, 4 momentum, 8 a buf exists, 16 nesterov.
// Elements [i0, i1) (a multiple of 4 apart from the end).

const MAXIMIZE = 1;
const WEIGHT_DECAY = 2;
const MOMENTUM = 4;
const HAS_BUF = 8;
const NESTEROV = 16;

// @ts-ignore: decorator
@inline
function sgdVector(p: v128, g: v128, buf: v128, flags: i32, wd: v128, mom: v128, keep: v128, negLr: v128, outBuf: usize, o: usize): v128 {
  let d = (flags & MAXIMIZE) != 0 ? f32x4.neg(g) : g;
  if ((flags & WEIGHT_DECAY) != 0) d = f32x4.add(d, f32x4.mul(p, wd));
  if ((flags & MOMENTUM) != 0) {
    const b = (flags & HAS_BUF) != 0 ? f32x4.add(f32x4.mul(buf, mom), f32x4.mul(d, keep)) : d;
    v128.store(outBuf + o, b);
    d = (flags & NESTEROV) != 0 ? f32x4.add(d, f32x4.mul(b, mom)) : b;
  }
  return f32x4.add(p, f32x4.mul(d, negLr));
}

export function sgdUpdate(
  param: usize, grad: usize, buf: usize, outParam: usize, outBuf: usize,
  weightDecay: f32, momentum: f32, oneMinusDampening: f32, negLr: f32, flags: i32, i0: i32, i1: i32,
): void {
  const wd = f32x4.splat(weightDecay), mom = f32x4.splat(momentum);
  const keep = f32x4.splat(oneMinusDampening), l = f32x4.splat(negLr);
  const hasBuf = (flags & HAS_BUF) != 0;
  let i = i0;
  for (; i + 4 <= i1; i += 4) {
    const o = <usize>i * 4;
    const b = hasBuf ? v128.load(buf + o) : f32x4.splat(0);
    v128.store(outParam + o, sgdVector(v128.load(param + o), v128.load(grad + o), b, flags, wd, mom, keep, l, outBuf, o));
  }
  // The tail, element by element: the same float32 operations on scalars.
  for (; i < i1; i++) {
    const o = <usize>i * 4;
    const p = load<f32>(param + o);
    let d = load<f32>(grad + o);
    if ((flags & MAXIMIZE) != 0) d = -d;
    if ((flags & WEIGHT_DECAY) != 0) d = d + p * weightDecay;
    if ((flags & MOMENTUM) != 0) {
      const b: f32 = hasBuf ? load<f32>(buf + o) * momentum + d * oneMinusDampening : d;
      store<f32>(outBuf + o, b);
      d = (flags & NESTEROV) != 0 ? d + b * momentum : b;
    }
    store<f32>(outParam + o, p + d * negLr);
  }
}
