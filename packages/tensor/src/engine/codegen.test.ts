// Pins the code V8 generates for the GEMM microkernel (assembly/gemm.ts micro6x8): the k loop must
// hold its 12 accumulators, 2 vectors of B and the broadcast of A in registers — TurboFan gives
// wasm 15 xmm registers on x64, and one more live vector makes it spill to the stack every
// iteration (measured: 20–40% slower). A change to the kernel or to V8 that spills fails here.
//
// How: a child Node compiles the FMA build with TurboFan only (--no-liftoff), runs a GEMM so the
// kernel is compiled, and prints the machine code (--print-wasm-code). The loop is the block that
// ends in the backward jump after the 12th vfmadd231ps; inside it no instruction may address the
// stack frame ([rbp…] or [rsp…], the loop's stack guard `cmpq rsp,[…]` aside).
//
// The mul+add fallback build needs one more register (the product) and does spill one accumulator
// per k step (two instructions of the loop's 39); that is stated in docs/engine.md, not pinned here.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const binary = fileURLToPath(new URL('../../wasm/engine-fma-unshared.wasm', import.meta.url));
const x64WithFma = process.arch === 'x64' && /\bfma\b/.test(readFileSync('/proc/cpuinfo', 'utf8'));

const child = `
const bytes = require('node:fs').readFileSync(${JSON.stringify(binary)});
const memory = new WebAssembly.Memory({ initial: 96 });
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });
for (let i = 0; i < 20; i++) exports.gemm(0, 48, 0, 64, 256, 1 << 20, 256, 1, 2 << 20, 64, 1, 3 << 20, 64, 0, 4 << 20);
`;

/** The instructions (mnemonic + operands) of V8's listing, in order. */
function instructions(listing: string): string[] {
  const out: string[] = [];
  for (const line of listing.split('\n')) {
    const m = /^0x[0-9a-f]+\s+[0-9a-f]+\s+[0-9a-f]+\s+(.*)$/.exec(line.trim());
    if (m) out.push(m[1]!.trim());
  }
  return out;
}

describe.skipIf(!x64WithFma)('GEMM microkernel code generation (x64 with FMA)', () => {
  it('keeps the 6×8 k loop in registers: 12 FMAs, 6 broadcasts, 2 loads, no stack access', () => {
    const listing = execFileSync(process.execPath, ['--experimental-wasm-relaxed-simd', '--no-liftoff', '--print-wasm-code', '-e', child], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    const code = instructions(listing);
    const fmas = code.flatMap((ins, i) => (ins.startsWith('vfmadd231ps') ? [i] : []));
    expect(fmas.length, 'vfmadd231ps in the compiled engine').toBeGreaterThanOrEqual(12);
    // The loop: from the first broadcast before the first FMA to the first backward jump after the 12th.
    let start = fmas[0]!;
    while (start > 0 && !code[start]!.startsWith('vbroadcastss')) start--;
    let end = fmas[11]!;
    while (end < code.length && !/^j(l|b|nz|ne|a|g)\b/.test(code[end]!)) end++;
    const loop = code.slice(start, end + 1);
    const count = (re: RegExp) => loop.filter((ins) => re.test(ins)).length;
    expect(count(/^vfmadd231ps/), loop.join('\n')).toBe(12);
    expect(count(/^vbroadcastss/), loop.join('\n')).toBe(6);
    expect(count(/^vmov(dqu|ups|aps) xmm\d+,\[/), loop.join('\n')).toBe(2);
    const stack = loop.filter((ins) => /\[(rbp|rsp)[^\]]*\]/.test(ins) && !/^REX\.W cmpq rsp,/.test(ins) && !/^cmpq rsp,/.test(ins));
    expect(stack, `stack accesses (spills) in the k loop:\n${loop.join('\n')}`).toEqual([]);
  });
});
