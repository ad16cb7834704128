// Winograd convolutions (assembly/winograd.ts) for 3×3, stride 1, padding 1, NHWC — all three passes
// of a conv layer, for the conv kernels to dispatch to:
//   forward         y  = conv(x, W) + bias          transforms V(x), U(W), output transform of V·U
//   input gradient  dx = conv(dy, flip(W)ᵀ)         the same, with the flipped filter's transform
//                                                   (F2: the forward's U, frequencies permuted)
//   filter gradient dW = Gᵀ [Σ_tiles V(x)ᵀ·Z(dy)] G  (Z = A dy Aᵀ: the forward map transposed)
// 'F4' is F(4×4,3×3) on 6×6 tiles (36 GEMMs, 4× fewer multiplies than direct), 'F2' is F(2×2,3×3) on
// 4×4 tiles (16 GEMMs, 2.25×). Each phase is split over what it writes — tiles for the transforms,
// frequencies for the GEMMs, input channels for the filter transforms — so every output element is
// computed by one thread in a fixed order: the same bits for any thread count.
//
// Transformed filters are cached per weight version: keyed by the filter's dataId (tfjs gives a
// variable a new dataId on every assign, and Backprop's Adam assigns new tensors), so the forward
// passes of an evaluation reuse them. A forward pass recorded for a gradient (autograd's tape on)
// also leaves its input transform V(x) in the cache, keyed by x, for the filter gradient to take
// instead of transforming x again (a third of the input transforms of a training step). An entry is
// freed once its tensor is gone from the backend (checked on every call) or when the cache passes
// CACHE_BYTES (least recently used first).
import { engine as tfEngine, type TensorInfo } from '@tensorflow/tfjs-core';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { Engine } from '../engine/engine.js';
import { splitRange } from '../engine/engine-ops.js';
import type { ConvGeometry } from './conv-geometry.js';
import { addressOf, heap } from './wasm-ops.js';
import { shapeStr } from '../checks.js';

export type WinogradVariant = 'F4' | 'F2';

/**
 * Which Winograd variant the conv kernels use: 'auto' (F(2,3) forward, F(4,3) for both gradients on
 * maps from 4×4; winogradChoice),
 * one variant everywhere, or 'off' (the implicit-GEMM convolution: float32 direct-conv accuracy).
 * Default `$BACKPROP_WINOGRAD`, else 'auto'.
 */
export type WinogradMode = 'auto' | WinogradVariant | 'off';
const winogradModes: readonly WinogradMode[] = ['auto', 'F4', 'F2', 'off'];
let winogradMode: WinogradMode = 'auto';

export function setWinogradMode(mode: WinogradMode): void {
  if (!winogradModes.includes(mode)) throw new Error(`setWinogradMode: mode must be one of ${winogradModes.join(', ')}, got '${String(mode)}'`);
  winogradMode = mode;
}

export const getWinogradMode = (): WinogradMode => winogradMode;

{
  const fromEnv = typeof process !== 'undefined' ? process.env?.BACKPROP_WINOGRAD : undefined;
  if (fromEnv) setWinogradMode(fromEnv as WinogradMode);
}
export type ConvPass = 'forward' | 'inputGrad' | 'filterGrad';

/** Below this many transformed multiply-adds a phase runs on the calling thread. */
const PARALLEL_MIN_FMAS = 1 << 17;
/** Bound on the heap the transform cache holds: filters (a 512→512 layer's F4 transform is 36 MiB) and forward inputs kept for the filter gradient. */
const CACHE_BYTES = 256 << 20;

const alphaOf = (variant: WinogradVariant): number => (variant === 'F4' ? 6 : 4);
const round4 = (c: number): number => (c + 3) & ~3;
/**
 * Floats between two frequencies of a transformed buffer holding `floats` per frequency: one cache
 * line more, so the α² streams a transform touches at once do not share cache sets (at 512×512
 * channels they would lie exactly 1 MiB apart).
 */
const freqStride = (floats: number): number => round4(floats) + 16;

/** Whether a conv is one the Winograd path computes: 3×3 filter, stride 1, padding 1 on every side, no dilation. */
export function winogradApplies(g: ConvGeometry): boolean {
  return (
    g.filterHeight === 3 && g.filterWidth === 3 && g.strideHeight === 1 && g.strideWidth === 1 && !g.dilated &&
    g.padTop === 1 && g.padBottom === 1 && g.padLeft === 1 && g.padRight === 1 &&
    g.outHeight === g.inHeight && g.outWidth === g.inWidth
  );
}

interface Tiling {
  alpha: number;
  tilesH: number;
  tilesW: number;
  tiles: number;
}

function tiling(variant: WinogradVariant, n: number, h: number, w: number): Tiling {
  const alpha = alphaOf(variant);
  const m = alpha - 2;
  const tilesH = Math.ceil(h / m);
  const tilesW = Math.ceil(w / m);
  return { alpha, tilesH, tilesW, tiles: n * tilesH * tilesW };
}

const threadsFor = (engine: Engine, fmas: number): number => (fmas < PARALLEL_MIN_FMAS ? 1 : engine.threads);

// ---- the transformed-filter cache ----

interface CachedTransform {
  address: number;
  bytes: number;
}

interface DataIdMap {
  has(dataId: object): boolean;
}

/** dataId → (variant + flip, or 'V' + variant) → transformed filter or input; Map order is least recently used first. */
const cache = new Map<object, { backend: BackendWasm; entries: Map<string, CachedTransform> }>();
let cachedBytes = 0;

function dropEntry(dataId: object): void {
  const holder = cache.get(dataId);
  if (holder == null) return;
  for (const entry of holder.entries.values()) {
    heap(holder.backend)._free(entry.address);
    cachedBytes -= entry.bytes;
  }
  cache.delete(dataId);
}

/** Frees the transforms of filters no longer alive in their backend, then the oldest past the bound. */
function sweepCache(): void {
  for (const [dataId, holder] of cache) {
    const alive = (holder.backend as unknown as { dataIdMap: DataIdMap }).dataIdMap.has(dataId);
    if (!alive) dropEntry(dataId);
  }
  for (const dataId of cache.keys()) {
    if (cachedBytes <= CACHE_BYTES) break;
    dropEntry(dataId);
  }
}

/** The cache key of a forward pass's input transform V(x): a reshape shares x's dataId, not its tiles. */
const inputKey = (variant: WinogradVariant, x: TensorInfo): string => `V${variant}[${x.shape.join(',')}]`;

/** Keeps a transform of the tensor `dataId` (heap `address`, `bytes`) under `key`; the cache frees it. */
function cacheEntry(backend: BackendWasm, dataId: object, key: string, address: number, bytes: number): void {
  let holder = cache.get(dataId);
  if (holder == null) {
    holder = { backend, entries: new Map() };
    cache.set(dataId, holder);
  }
  const old = holder.entries.get(key);
  if (old != null) {
    heap(backend)._free(old.address);
    cachedBytes -= old.bytes;
  }
  holder.entries.set(key, { address, bytes });
  cachedBytes += bytes;
}

/** Removes the entry `key` of `dataId` from the cache and hands it over (the caller frees it), or null. */
function takeEntry(dataId: object, key: string): number | null {
  const holder = cache.get(dataId);
  const entry = holder?.entries.get(key);
  if (holder == null || entry == null) return null;
  holder.entries.delete(key);
  cachedBytes -= entry.bytes;
  if (holder.entries.size === 0) cache.delete(dataId);
  return entry.address;
}

/** Frees every cached filter and input transform (tests; or before tearing a backend down). */
export function clearWinogradCache(): void {
  for (const dataId of [...cache.keys()]) dropEntry(dataId);
}

/** Heap bytes held by cached filter and input transforms. */
export function winogradCacheBytes(): number {
  return cachedBytes;
}

/**
 * The Winograd transform of `filter` [3, 3, Cin, Cout] as U [α²][CinP][CoutP] (flip: of the
 * spatially flipped filter, for the input gradient), from the cache or computed now.
 */
function transformedFilter(engine: Engine, backend: BackendWasm, filter: TensorInfo, variant: WinogradVariant, flip: boolean): number {
  sweepCache();
  const key = `${variant}${flip ? '-flip' : ''}`;
  let holder = cache.get(filter.dataId);
  if (holder != null) {
    // Most recently used goes last.
    cache.delete(filter.dataId);
    cache.set(filter.dataId, holder);
    const hit = holder.entries.get(key);
    if (hit != null) return hit.address;
  }
  const [, , cin, cout] = filter.shape as [number, number, number, number];
  const alpha = alphaOf(variant);
  const cinP = round4(cin);
  const fs = freqStride(cinP * round4(cout));
  const bytes = alpha * alpha * fs * 4;
  const address = heap(backend)._malloc(bytes);
  const filterAddress = addressOf(backend, filter);
  const threads = threadsFor(engine, alpha * alpha * cinP * cout * 3);
  engine.run('winogradFilterTransform', splitRange(cinP, threads, 1).map(([c0, c1], t) => [
    c0, c1, alpha, filterAddress, cin, cout, flip ? 1 : 0, address, fs, engine.scratch[t]!,
  ]));
  cacheEntry(backend, filter.dataId, key, address, bytes);
  return address;
}

// ---- the phases ----

/** V [α²][T][Cp] (frequency stride `fs`) of the image x [N, h, w, c]; free it with _free. */
function inputTransform(engine: Engine, x: number, h: number, w: number, c: number, tl: Tiling, fs: number, threads: number): number {
  const v = heap(engine.backend)._malloc(tl.alpha * tl.alpha * fs * 4);
  tileJob(engine, 'winogradInputTransform', tl.tiles, threads, [tl.alpha, x, h, w, c, tl.tilesH, tl.tilesW, v, fs]);
  return v;
}

function outputTransform(engine: Engine, m: number, fs: number, y: number, h: number, w: number, c: number, bias: number, residual: number, tl: Tiling, threads: number): void {
  tileJob(engine, 'winogradOutputTransform', tl.tiles, threads, [tl.alpha, m, fs, y, h, w, c, tl.tilesH, tl.tilesW, bias, residual]);
}

/**
 * A tile transform over every tile: on one thread as one range; on several, tiles handed out in
 * chunks (about 32 a thread) to whichever thread is free (the *Shared variants): fixed halves left
 * one thread waiting for the other. Arguments after the tile range end with the thread's scratch.
 */
function tileJob(engine: Engine, name: 'winogradInputTransform' | 'winogradGradTransform' | 'winogradOutputTransform', tiles: number, threads: number, rest: number[]): void {
  if (threads <= 1) {
    engine.run(name, [[0, tiles, ...rest, engine.scratch[0]!]]);
    return;
  }
  const chunk = Math.max(16, Math.ceil(tiles / (threads * 32)));
  const next = engine.freshCounter();
  engine.run(`${name}Shared`, Array.from({ length: threads }, (_, t) => [next, chunk, tiles, ...rest, engine.scratch[t]!]));
}

interface FreqOperand {
  address: number;
  freqStride: number;
  rowStride: number;
  colStride: number;
  /** B only: U is the F(2,3) transform of the filter, read as its flip's (assembly bFrequency). */
  flipF2?: boolean;
}

/**
 * C_ξ[m, n] = op(A_ξ)[m, k] · op(B_ξ)[k, n] for every frequency ξ. On several threads each takes
 * the next frequency as it finishes one (winogradGemmsShared): a fixed half each left one thread
 * waiting for the other.
 */
function gemms(engine: Engine, freqs: number, m: number, n: number, k: number, a: FreqOperand, b: FreqOperand, c: number, cFreqStride: number, ldc: number): void {
  const threads = Math.min(freqs, threadsFor(engine, freqs * m * n * k));
  const operands = [m, n, k, a.address, a.freqStride, a.rowStride, a.colStride, b.address, b.freqStride, b.rowStride, b.colStride, b.flipF2 ? 1 : 0, c, cFreqStride, ldc];
  if (threads <= 1) {
    engine.run('winogradGemms', [[0, freqs, ...operands, engine.scratch[0]!]]);
    return;
  }
  // Tall GEMMs with a short depth (the forward and input-gradient ones: M = tiles) also split into 4
  // row blocks, whose items repack only the small B; deep ones (filter gradient: K = tiles) do not.
  const rowBlock = m >= 2048 && k <= 1024 ? Math.ceil(m / 4 / 6) * 6 : m;
  const next = engine.freshCounter();
  engine.run('winogradGemmsShared', Array.from({ length: threads }, (_, t) => [next, freqs, rowBlock, ...operands, engine.scratch[t]!]));
}

function checkFilter(filter: TensorInfo, op: string): [number, number] {
  const s = filter.shape;
  if (s.length !== 4 || s[0] !== 3 || s[1] !== 3) throw new Error(`${op}: filter must be [3, 3, Cin, Cout], got ${shapeStr(s)}`);
  return [s[2]!, s[3]!];
}

function check4(t: TensorInfo, name: string, op: string): [number, number, number, number] {
  if (t.shape.length !== 4) throw new Error(`${op}: ${name} must be rank 4 (NHWC), got ${shapeStr(t.shape)}`);
  if (t.dtype !== 'float32') throw new Error(`${op}: ${name} must be float32, got ${t.dtype}`);
  return t.shape as [number, number, number, number];
}

/** A block's V and M together (bytes) in the fused convolution: three quarters of a 1 MiB L2 (AMD Zen 3). */
const FUSED_BLOCK_BYTES = 768 << 10;
/** Fewer tiles a block than this and its GEMMs (rows = tiles) run too short: the three passes instead. */
const FUSED_MIN_BLOCK_TILES = 32;
/** Fused only while one frequency of U (packed again for every block) is this small: C, Cout ≤ 128. */
const FUSED_MAX_U_BYTES = 64 << 10;
/** Tiles per block of the fused convolution, as set by setWinogradBlockTiles (null: the rule). */
let blockTilesSetting: number | null = null;

/**
 * Tiles per block for the fused convolution (winogradConvBlocks), or 0 for the three passes over all
 * tiles: fused where a frequency of U is small (it is packed again for each block), a block's V and
 * M (FUSED_BLOCK_BYTES, whole 6-row GEMM panels) hold at least FUSED_MIN_BLOCK_TILES tiles, and the
 * image has several blocks' worth. Alternated against the three passes (AMD EPYC Zen 3, batch 32,
 * medians of 10; 2026-11-29 15:35 UTC), 2 / 1 threads: 64 channels on 32×32, forward F(2,3) 37.9 → 32.4 /
 * 51.4 → 43.2 ms, input gradient F(4,3) 24.1 → 19.2 / 37.0 → 29.8; 128 on 16×16, forward F(2,3) 31.8 → 29.2
 * / 39.0 → 36.4. Not fused: 128 channels' F(4,3) (blocks of at most 20 tiles there: 20.5–24.3 → 20.5–28.2
 * ms with blocks of 12–30) and 256 channels and up (U 256 KB a frequency: 1.3–1.7× slower). The whole CNN
 * step, fused and not alternated step by step in one process: 2 threads 22 of 30 and 14 of 24 pairs
 * faster (median paired differences −15.8 and −22.1 ms), 1 thread 18 of 24 (−43.6 ms) and 8 of 16.
 */
function fusedBlockTiles(tl: Tiling, cP: number, coutP: number): number {
  if (blockTilesSetting != null) return blockTilesSetting;
  if (cP * coutP * 4 > FUSED_MAX_U_BYTES) return 0;
  const perTile = tl.alpha * tl.alpha * (cP + coutP) * 4;
  const block = Math.floor(FUSED_BLOCK_BYTES / perTile / 6) * 6;
  return block >= FUSED_MIN_BLOCK_TILES && tl.tiles >= 4 * block ? block : 0;
}

/**
 * Sets the tiles per block of the fused Winograd convolution (forward and input gradient): 0 runs
 * the three passes over all tiles, null restores the rule (fusedBlockTiles). For tests and comparisons;
 * the bits are the same either way.
 */
export function setWinogradBlockTiles(tiles: number | null): void {
  if (tiles != null && (!Number.isInteger(tiles) || tiles < 0)) throw new Error(`setWinogradBlockTiles: tiles must be a whole number ≥ 0 or null, got ${tiles}`);
  blockTilesSetting = tiles;
}

/**
 * The Winograd convolution of `x` [N, H, W, C] with a filter U already transformed for C → `cout`,
 * + bias (address, 0 for none) + residual (address of an [N, H, W, cout] tensor, 0 for none):
 * y [N, H, W, cout]. Shared by the forward pass and the input gradient.
 */
function convolve(engine: Engine, backend: BackendWasm, x: TensorInfo, u: number, uTransposed: boolean, uFlipF2: boolean, cout: number, bias: number, residual: number, variant: WinogradVariant, keepInput: boolean): TensorInfo {
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const tl = tiling(variant, n, h, w);
  const freqs = tl.alpha * tl.alpha;
  const cP = round4(c);
  const coutP = round4(cout);
  const threads = threadsFor(engine, freqs * tl.tiles * cP * 4);
  const us = freqStride(cP * coutP);
  // U is [α²][C'][Cout'] with zero padding rows and columns, so the GEMMs run over whole vectors of
  // output channels (n = coutP) and the output transform reads no uninitialised lanes. Forward:
  // U is [Cin][Cout] as stored. Input gradient: U is the flipped filter's [Cin][Cout], read
  // transposed as [Cout][Cin].
  const b: FreqOperand = uTransposed
    ? { address: u, freqStride: us, rowStride: 1, colStride: cP, flipF2: uFlipF2 }
    : { address: u, freqStride: us, rowStride: coutP, colStride: 1 };
  const block = keepInput ? 0 : fusedBlockTiles(tl, cP, coutP);
  if (block > 0) {
    const y = backend.makeOutput([n, h, w, cout], 'float32');
    // Block by block, V and M in each thread's caches (assembly winogradConvBlocks): the same bits.
    const workBytes = engine.winogradBlockWorkBytes(block, tl.alpha, c, cout);
    const work = heap(backend)._malloc(threads * workBytes);
    const next = engine.freshCounter();
    const xAddress = addressOf(backend, x);
    const yAddress = addressOf(backend, y);
    engine.run('winogradConvBlocks', Array.from({ length: threads }, (_, t) => [
      next, tl.tiles, block, tl.alpha, xAddress, h, w, c, tl.tilesH, tl.tilesW,
      b.address, b.freqStride, b.rowStride, b.colStride, b.flipF2 ? 1 : 0,
      yAddress, cout, bias, residual, work + t * workBytes, engine.scratch[t]!,
    ]));
    heap(backend)._free(work);
    return y;
  }
  const vs = freqStride(tl.tiles * cP);
  const ms = freqStride(tl.tiles * coutP);
  const v = inputTransform(engine, addressOf(backend, x), h, w, c, tl, vs, threads);
  const m = heap(backend)._malloc(freqs * ms * 4);
  gemms(engine, freqs, tl.tiles, coutP, c, { address: v, freqStride: vs, rowStride: cP, colStride: 1 }, b, m, ms, coutP);
  if (keepInput) cacheEntry(backend, x.dataId, inputKey(variant, x), v, freqs * vs * 4);
  else heap(backend)._free(v);
  const y = backend.makeOutput([n, h, w, cout], 'float32');
  outputTransform(engine, m, ms, addressOf(backend, y), h, w, cout, bias, residual, tl, threads);
  heap(backend)._free(m);
  return y;
}

/**
 * y [N, H, W, Cout] = conv(x [N, H, W, Cin], filter [3, 3, Cin, Cout], stride 1, pad 1) + bias [Cout]
 * (+ residual [N, H, W, Cout], added last: a residual block's sum in the output transform).
 */
export function winogradConv2d(engine: Engine, backend: BackendWasm, x: TensorInfo, filter: TensorInfo, bias: TensorInfo | null, variant: WinogradVariant, residual: TensorInfo | null = null): TensorInfo {
  const op = 'winogradConv2d';
  const [n, h, w, c] = check4(x, 'x', op);
  const [cin, cout] = checkFilter(filter, op);
  if (c !== cin) throw new Error(`${op}: x has ${c} channels, the filter takes ${cin}`);
  if (bias != null && (bias.shape.length !== 1 || bias.shape[0] !== cout)) throw new Error(`${op}: bias must be [${cout}], got ${shapeStr(bias.shape)}`);
  if (residual != null) {
    const [rn, rh, rw, rc] = check4(residual, 'residual', op);
    if (rn !== n || rh !== h || rw !== w || rc !== cout) throw new Error(`${op}: residual must be [${n}, ${h}, ${w}, ${cout}] like the output, got ${shapeStr(residual.shape)}`);
  }
  const u = transformedFilter(engine, backend, filter, variant, false);
  // Autograd's tape is on and the filter gradient will run this variant: it will want V(x).
  const keepInput = (tfEngine().state as { gradientDepth: number }).gradientDepth > 0 && winogradChoice('filterGrad', h, w, cin, cout) === variant;
  return convolve(engine, backend, x, u, false, false, cout, bias == null ? 0 : addressOf(backend, bias), residual == null ? 0 : addressOf(backend, residual), variant, keepInput);
}

/** dx [N, H, W, Cin] of y = conv(x, filter [3, 3, Cin, Cout], stride 1, pad 1), from dy [N, H, W, Cout]. */
export function winogradBackpropInput(engine: Engine, backend: BackendWasm, dy: TensorInfo, filter: TensorInfo, variant: WinogradVariant): TensorInfo {
  const op = 'winogradBackpropInput';
  const [, , , c] = check4(dy, 'dy', op);
  const [cin, cout] = checkFilter(filter, op);
  if (c !== cout) throw new Error(`${op}: dy has ${c} channels, the filter gives ${cout}`);
  // dx = conv(dy, W') with W'[kh, kw, co, ci] = W[2 − kh, 2 − kw, ci, co]: its transform is the
  // flipped filter's U [Cin][Cout], read transposed. For F(2,3) that is the forward's U (cached by
  // the forward pass of the same weights) with its frequencies permuted; F(4,3) has no such
  // permutation (±½, the reciprocals of its points ±2, are not among its points), so its flipped
  // filter is transformed.
  const flipF2 = variant === 'F2';
  const u = transformedFilter(engine, backend, filter, variant, !flipF2);
  return convolve(engine, backend, dy, u, true, flipF2, cin, 0, 0, variant, false);
}

/** dW [3, 3, Cin, Cout] of y = conv(x [N, H, W, Cin], W, stride 1, pad 1), from dy [N, H, W, Cout]. */
export function winogradBackpropFilter(engine: Engine, backend: BackendWasm, x: TensorInfo, dy: TensorInfo, variant: WinogradVariant): TensorInfo {
  const op = 'winogradBackpropFilter';
  const [n, h, w, cin] = check4(x, 'x', op);
  const [dn, dh, dw, cout] = check4(dy, 'dy', op);
  if (dn !== n || dh !== h || dw !== w) throw new Error(`${op}: dy must be [${n}, ${h}, ${w}, Cout], got ${shapeStr(dy.shape)}`);
  const tl = tiling(variant, n, h, w);
  const freqs = tl.alpha * tl.alpha;
  const cinP = round4(cin);
  const coutP = round4(cout);
  const threads = threadsFor(engine, freqs * tl.tiles * (cinP + coutP) * 2);
  const vs = freqStride(tl.tiles * cinP);
  const zs = freqStride(tl.tiles * coutP);
  const dus = freqStride(cin * coutP);
  // V(x) as the forward pass left it (the same layout: tiling, channels and stride follow from x
  // and the variant), or computed now.
  const v = takeEntry(x.dataId, inputKey(variant, x)) ?? inputTransform(engine, addressOf(backend, x), h, w, cin, tl, vs, threads);
  const z = heap(backend)._malloc(freqs * zs * 4);
  const dyAddress = addressOf(backend, dy);
  tileJob(engine, 'winogradGradTransform', tl.tiles, threads, [tl.alpha, dyAddress, h, w, cout, tl.tilesH, tl.tilesW, z, zs]);
  // dU_ξ [Cin, CoutP] = V_ξᵀ · Z_ξ, a reduction over the tiles inside each GEMM.
  const du = heap(backend)._malloc(freqs * dus * 4);
  gemms(engine, freqs, cin, coutP, tl.tiles,
    { address: v, freqStride: vs, rowStride: 1, colStride: cinP },
    { address: z, freqStride: zs, rowStride: coutP, colStride: 1 },
    du, dus, coutP);
  heap(backend)._free(v);
  heap(backend)._free(z);
  const dW = backend.makeOutput([3, 3, cin, cout], 'float32');
  const dWAddress = addressOf(backend, dW);
  const inverseThreads = threadsFor(engine, freqs * cin * coutP * 2);
  engine.run('winogradFilterGradInverse', splitRange(cin, inverseThreads, 1).map(([c0, c1], t) => [
    c0, c1, tl.alpha, du, dus, cin, cout, dWAddress, engine.scratch[t]!,
  ]));
  heap(backend)._free(du);
  return dW;
}

// ---- which variant, per shape and pass ----

/** The filter gradient runs F(4,3) on maps at least this high and wide ('auto'; see winogradChoice). */
export const F4_BACKWARD_MIN_SIZE = 4;
/** The input gradient runs F(4,3) from this size ('auto'): on 4×4 maps F(2,3) with the forward's cached U. */
export const F4_INPUT_GRAD_MIN_SIZE = 8;

/** Below this many input or output channels the transforms outweigh the GEMMs (the 3-channel first conv). */
const MIN_CHANNELS = 16;

/**
 * The variant for a 3×3 stride-1 pad-1 conv pass on an h×w map with cin → cout channels, or null
 * where the engine's implicit GEMM (im2col) should run. Measured with
 * `node packages/tensor/scripts/winograd-bench.mjs <threads> 5 32` (batch 32, AMD EPYC, 2 cores
 * shared with other sessions; medians of 5 interleaved rounds; effective GFLOP/s = direct-conv FLOP
 * ÷ time, filter transform included; 1 thread / 2 threads — the second core was busy with other
 * work, so the two columns are two samples, not a scaling figure):
 *   pass        C=64 32×32     C=128 16×16     C=256 8×8       C=512 4×4       C=512 2×2
 *   fwd    F4   85 / 89        138 / 120       141 / 131       92 / 87         25 / 25
 *          F2   54 / 56         83 / 79         86 / 89        90 / 79         58 / 52
 *      im2col   46 / 39         42 / 47         49 / 51        51 / 44         46 / 45
 *   XNNPACK     35 / 34         33 / 31         37 / 37        36 / 31         36 / 35
 *   dx     F4   87 / 76        129 / 108       135 / 134      100 / 103        26 / 26
 *          F2   64 / 58         87 / 76         89 / 90        81 / 86         60 / 54
 *      im2col   39 / 45         49 / 42         43 / 45        39 / 38         22 / 23
 *   dW     F4   93 / 84        113 / 98        117 / 133      133 / 114        31 / 32
 *          F2   59 / 54         71 / 71         80 / 88        94 / 46         59 / 63
 *      im2col   38 / 37         42 / 33         39 / 43        35 / 26         19 / 22
 * By speed alone: F(4,3) from 4×4 maps up and F(2,3) below, in every pass (1.8–4.4× im2col).
 * But accuracy decides 'auto', and it is the forward that loses it: against PyTorch float32 on the
 * ConvNet parity fixture (layers' torch-parity.test.ts, train mode), F(2,3) everywhere keeps every
 * parameter gradient within 7.9e-5 of PyTorch (im2col: 1.3e-4); F(4,3) in every pass puts them up to
 * 4.4e-2 off (features.4.conv.weight), and so does F(4,3) in the forward of the 32×32 layer alone:
 * the forward's rounding moves the activations, and 16 train-mode BatchNorms downstream amplify it.
 * F(4,3) in the two backward passes only, on every map, keeps them within 8.3e-5 (from 4×4 maps: 7.95e-5;
 * measured 2026-11-29): an error in a gradient does not pass through a BatchNorm's statistics again.
 * So 'auto' is F(2,3) in the forward and F(4,3) for the input and filter gradients on maps of
 * ≥ F4_BACKWARD_MIN_SIZE (4×4 and up, where the table has F4 1.2–1.6× F2 in those passes; on 2×2 maps a 6×6 tile
 * holds 4 outputs and F(2,3) stays 2× faster). The CNN step, each rule alternated in one process (AMD
 * EPYC Zen 5): F(4,3) gradients from 8×8 against F(2,3) everywhere, 1 thread 1135 → 1020 ms, 2 threads
 * 521 → 456 ms (medians of 5 and 6 rounds, every round faster); from 4×4 against from 8×8, 2 threads
 * 2.3% and 2.8% faster (two runs of 8 rounds), 1 thread 5 rounds of 6 faster, medians equal; its cost,
 * the 512-channel layers' F(4,3) filter transforms of the flipped filter, 38 MB each. F(4,3)
 * everywhere stays available as 'F4' (setWinogradMode / $BACKPROP_WINOGRAD) for inference or for
 * users who accept that error.
 * Below 16 channels (the 3-channel first conv) nothing was measured and the transforms would
 * outweigh the GEMMs' k = Cin: im2col.
 * The input gradient on 4×4 maps (the 512-channel layers) then went back to F(2,3): there it reads the
 * forward's cached U (no transform of its own), where F(4,3) transforms the flipped filter (38 MB at
 * 512×512, held in the cache until the weights change) for GEMMs of only 32 rows (one 6×6 tile an
 * image). After an 'auto' forward, alternated (AMD EPYC Zen 3, batch 32, 512 channels, medians of 15,
 * 2026-11-29 14:55 UTC): 2 threads 25.4 / 27.7 ms F(4,3) against 23.2 / 26.7 ms F(2,3), 1 thread 53.4
 * against 51.8 ms; from 8×8 up F(4,3) stays 1.3–1.5× faster. F(2,3) is also the more accurate there
 * (max error 9.6e-7 against 1.6e-5, scripts/winograd-error.mjs).
 * In 'auto' the forward and input gradient on maps of at most 2×2 do not come here: the conv kernels
 * run them as GEMMs per tap (small-map-conv.ts, smallMapChosen), F(2,3)'s flops without its transforms.
 */
export function winogradChoice(pass: ConvPass, h: number, w: number, cin: number, cout: number): WinogradVariant | null {
  if (winogradMode === 'off' || Math.min(cin, cout) < MIN_CHANNELS) return null;
  if (winogradMode !== 'auto') return winogradMode;
  if (pass === 'forward') return 'F2';
  return Math.min(h, w) >= (pass === 'inputGrad' ? F4_INPUT_GRAD_MIN_SIZE : F4_BACKWARD_MIN_SIZE) ? 'F4' : 'F2';
}
