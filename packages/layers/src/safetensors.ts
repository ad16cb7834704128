// The safetensors file format, written by hand (no dependency): an 8-byte little-endian header
// length N, N bytes of JSON {name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__"?:
// {string: string}}, then the raw little-endian tensor bytes, offsets relative to the end of the
// header. The header is padded with spaces to a multiple of 8, as the reference writer does.
// https://github.com/huggingface/safetensors#format
import { shapeSize, shapeStr } from '@backprop/tensor';

/** F16 and BF16 data are the raw 16-bit patterns (Uint16Array); half-float.ts converts them. */
export type SafetensorsDtype = 'F32' | 'F64' | 'I32' | 'I64' | 'F16' | 'BF16';

export type SafetensorsData = Float32Array | Float64Array | Int32Array | BigInt64Array | Uint16Array;

export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: SafetensorsData;
}

export interface SafetensorsFile {
  tensors: Map<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

const BYTES: Record<SafetensorsDtype, number> = { F32: 4, F64: 8, I32: 4, I64: 8, F16: 2, BF16: 2 };

const CTOR = {
  F32: Float32Array,
  F64: Float64Array,
  I32: Int32Array,
  I64: BigInt64Array,
  F16: Uint16Array,
  BF16: Uint16Array,
} as const;

const littleEndian = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function checkHost(op: string): void {
  if (!littleEndian) throw new Error(`${op}: big-endian hosts are not supported`);
}


const dataMatches = (dtype: SafetensorsDtype, data: SafetensorsData): boolean => data instanceof CTOR[dtype];

/** Serialises tensors (in the given order) and optional string metadata into safetensors bytes. */
export function encodeSafetensors(tensors: Map<string, SafetensorsTensor> | Record<string, SafetensorsTensor>, metadata: Record<string, string> = {}): Uint8Array {
  checkHost('encodeSafetensors');
  const entries = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  const header: Record<string, unknown> = {};
  if (Object.keys(metadata).length > 0) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new Error(`encodeSafetensors: metadata['${k}'] must be a string, got ${typeof v}`);
    }
    header.__metadata__ = metadata;
  }
  let offset = 0;
  for (const [name, t] of entries) {
    if (name === '__metadata__') throw new Error(`encodeSafetensors: '__metadata__' is reserved and cannot name a tensor`);
    if (!(t.dtype in BYTES)) throw new Error(`encodeSafetensors: '${name}' has unsupported dtype '${String(t.dtype)}'`);
    if (!dataMatches(t.dtype, t.data)) throw new Error(`encodeSafetensors: '${name}' is ${t.dtype} but its data is a ${t.data.constructor.name}`);
    if (shapeSize(t.shape) !== t.data.length) {
      throw new Error(`encodeSafetensors: '${name}' has shape ${shapeStr(t.shape)} (${shapeSize(t.shape)} values) but ${t.data.length} values`);
    }
    const bytes = t.data.length * BYTES[t.dtype];
    header[name] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let headerBytes = enc.encode(json);
  const padded = Math.ceil(headerBytes.length / 8) * 8;
  if (padded !== headerBytes.length) {
    json += ' '.repeat(padded - headerBytes.length);
    headerBytes = enc.encode(json);
  }
  const out = new Uint8Array(8 + headerBytes.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(headerBytes.length), true);
  out.set(headerBytes, 8);
  let pos = 8 + headerBytes.length;
  for (const [, t] of entries) {
    const raw = new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength);
    out.set(raw, pos);
    pos += raw.length;
  }
  return out;
}

/** Parses safetensors bytes; the tensor data is copied out (aligned, independent of `bytes`). */
export function decodeSafetensors(bytes: Uint8Array): SafetensorsFile {
  checkHost('decodeSafetensors');
  if (bytes.length < 8) throw new Error(`decodeSafetensors: file too short (${bytes.length} bytes), expected at least 8`);
  const headerLen = new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true);
  if (headerLen > BigInt(bytes.length - 8)) {
    throw new Error(`decodeSafetensors: header length ${headerLen} exceeds the file (${bytes.length - 8} bytes after the length)`);
  }
  const dataStart = 8 + Number(headerLen);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, dataStart)));
  } catch (e) {
    throw new Error(`decodeSafetensors: header is not valid JSON (${(e as Error).message})`);
  }
  if (header == null || typeof header !== 'object' || Array.isArray(header)) throw new Error('decodeSafetensors: header must be a JSON object');
  const dataLen = bytes.length - dataStart;
  const tensors = new Map<string, SafetensorsTensor>();
  let metadata: Record<string, string> = {};
  const spans: Array<[number, number, string]> = [];
  for (const [name, raw] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') {
      metadata = raw as Record<string, string>;
      continue;
    }
    const info = raw as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = info.dtype as SafetensorsDtype;
    if (typeof dtype !== 'string' || !(dtype in BYTES)) {
      throw new Error(`decodeSafetensors: '${name}' has dtype '${String(info.dtype)}', supported: ${Object.keys(BYTES).join(', ')}`);
    }
    const shape = info.shape;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new Error(`decodeSafetensors: '${name}' has an invalid shape ${JSON.stringify(shape)}`);
    }
    const offs = info.data_offsets;
    if (!Array.isArray(offs) || offs.length !== 2 || !offs.every((o) => Number.isInteger(o) && o >= 0)) {
      throw new Error(`decodeSafetensors: '${name}' has invalid data_offsets ${JSON.stringify(offs)}`);
    }
    const [begin, end] = offs as [number, number];
    const expected = shapeSize(shape) * BYTES[dtype];
    if (end < begin || end - begin !== expected) {
      throw new Error(`decodeSafetensors: '${name}' spans ${end - begin} bytes, expected ${expected} for ${dtype} ${shapeStr(shape)}`);
    }
    if (end > dataLen) throw new Error(`decodeSafetensors: '${name}' ends at byte ${end}, past the data (${dataLen} bytes)`);
    // Copied into a fresh, aligned buffer (Uint8Array.prototype.slice would not do: on a Node
    // Buffer it returns a view into the shared pool).
    const copy = new Uint8Array(end - begin);
    copy.set(bytes.subarray(dataStart + begin, dataStart + end));
    const data = new CTOR[dtype](copy.buffer, 0, shapeSize(shape));
    tensors.set(name, { dtype, shape: shape as number[], data });
    spans.push([begin, end, name]);
  }
  spans.sort((a, b) => a[0] - b[0]);
  let covered = 0;
  for (const [begin, end, name] of spans) {
    if (begin !== covered) throw new Error(`decodeSafetensors: '${name}' starts at byte ${begin}, expected ${covered} (tensors must tile the data without gaps or overlaps)`);
    covered = end;
  }
  if (covered !== dataLen) throw new Error(`decodeSafetensors: tensors cover ${covered} bytes, but the data holds ${dataLen}`);
  return { tensors, metadata };
}
