// Blocking of the packed GEMM (gemm.ts) and the layout of each thread's scratch.

export const MR: i32 = 6;
export const NR: i32 = 8;
/** Depth of a packed block: a B micro-panel (KC×NR, 8 KiB) stays in L1 while A streams past it. */
export const KC: i32 = 256;
/** Rows of A packed at a time (MC×KC = 72 KiB, in L2). A multiple of MR. */
export const MC: i32 = 96;
/** Columns of B packed at a time (KC×NC = 512 KiB). A multiple of NR. */
export const NC: i32 = 512;

/** Floats of zeros in the scratch: im2col rows outside the image read from here (conv.ts). */
export const ZERO_FLOATS: i32 = 4096;

/**
 * Longest tap row (KW·Cin floats: one filter row's taps, contiguous in an NHWC image) that im2col
 * packs a whole row at a time (im2col.ts; the first conv's 3 × 3 channels).
 */
export const TAP_ROW_MAX: i32 = 16;

/**
 * Bytes of per-thread scratch: packed A, packed B, one edge tile, the zero row, im2col row info
 * (128 bytes) and MR tap-row copies, 64-byte aligned.
 */
export function gemmScratchBytes(): i32 {
  return (MC * KC + KC * NC + MR * NR + ZERO_FLOATS + 64) * 4 + 320 + 128 + MR * TAP_ROW_MAX * 4;
}

// Where each part of a thread's scratch starts. (No objects: the engine must never allocate —
// the stub runtime's heap would sit inside tfjs's memory.)
export function scratchA(scratch: usize): usize {
  return align64(scratch);
}
export function scratchB(scratch: usize): usize {
  return align64(scratchA(scratch) + <usize>(MC * KC) * 4);
}
export function scratchTile(scratch: usize): usize {
  return align64(scratchB(scratch) + <usize>(KC * NC) * 4);
}
export function scratchZeros(scratch: usize): usize {
  return align64(scratchTile(scratch) + <usize>(MR * NR) * 4);
}
export function scratchRows(scratch: usize): usize {
  return align64(scratchZeros(scratch) + <usize>ZERO_FLOATS * 4);
}
/** MR × TAP_ROW_MAX floats: tap rows that run into the padding, copied with their zeros (im2col.ts). */
export function scratchTapRows(scratch: usize): usize {
  return scratchRows(scratch) + 128;
}

// @ts-ignore: decorator
@inline
export function align64(p: usize): usize {
  return (p + 63) & ~(<usize>63);
}

