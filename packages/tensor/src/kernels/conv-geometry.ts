// Padding and stride facts of a 2-D NHWC convolution, read the way tfjs reads them.
import { backend_util, type TensorInfo } from '@tensorflow/tfjs-core';
import { shapeStr } from '../checks.js';

export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padTop: number;
  padBottom: number;
  padLeft: number;
  padRight: number;
  dilated: boolean;
}

export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  attrs: { strides: number | [number, number]; pad: unknown; dimRoundingMode?: unknown; dataFormat?: string; dilations?: number | [number, number] },
  op: string,
): ConvGeometry {
  if (attrs.dataFormat != null && attrs.dataFormat !== 'NHWC') {
    throw new Error(`${op}: dataFormat must be 'NHWC' on WASM, got '${attrs.dataFormat}'`);
  }
  const info = backend_util.computeConv2DInfo(
    xShape,
    filterShape,
    attrs.strides,
    attrs.dilations ?? 1,
    attrs.pad as 'same',
    attrs.dimRoundingMode as 'floor' | undefined,
  );
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    padTop: info.padInfo.top,
    padBottom: info.padInfo.bottom,
    padLeft: info.padInfo.left,
    padRight: info.padInfo.right,
    dilated: info.dilationHeight !== 1 || info.dilationWidth !== 1,
  };
}

export const shape4 = (t: TensorInfo, name: string, op: string): [number, number, number, number] => {
  if (t.shape.length !== 4) throw new Error(`${op}: ${name} must be rank 4 (NHWC), got shape ${shapeStr(t.shape)}`);
  return t.shape as [number, number, number, number];
};
