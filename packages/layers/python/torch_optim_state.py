#!/usr/bin/python3
"""torch.optim state dicts to and from Backprop's optimizer-state files (PyTorch and the standard
library only; torch 1.13 to 2.x).

A file is safetensors: tensors `state.<param index>.<key>` (`step`, `exp_avg`, `exp_avg_sq`,
`momentum_buffer`, float32, PyTorch's layout) and metadata {format: 'torch.optim', param_groups:
JSON}. Backprop writes one with `encodeOptimizerState(opt.stateDict())` and reads one with
`opt.loadStateDict(decodeOptimizerState(bytes))`.

    import torch_optim_state as tos
    opt = torch.optim.AdamW(model.parameters())
    opt.load_state_dict(tos.load('adamw.optim.safetensors'))   # state saved by Backprop
    ...
    tos.save(opt.state_dict(), 'adamw.optim.safetensors')      # for Backprop
"""
import json
import struct
from pathlib import Path

import torch

FORMAT = 'torch.optim'
_DTYPES = {'F32': torch.float32, 'F64': torch.float64, 'I32': torch.int32, 'I64': torch.int64}
_NAMES = {v: k for k, v in _DTYPES.items()}


def _read_safetensors(path):
    data = Path(path).read_bytes()
    (n,) = struct.unpack('<Q', data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop('__metadata__', {})
    base = 8 + n
    tensors = {}
    for name, info in header.items():
        b, e = info['data_offsets']
        raw = bytearray(data[base + b:base + e])
        t = torch.frombuffer(raw, dtype=_DTYPES[info['dtype']]) if raw else torch.empty(0, dtype=_DTYPES[info['dtype']])
        tensors[name] = t.reshape(info['shape']).clone()
    return tensors, meta


def _write_safetensors(path, tensors, metadata):
    header, chunks, offset = {'__metadata__': metadata}, [], 0
    for name, t in tensors.items():
        t = t.detach().cpu().contiguous()
        raw = t.numpy().tobytes() if t.numel() else b''
        header[name] = {'dtype': _NAMES[t.dtype], 'shape': list(t.shape), 'data_offsets': [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(',', ':')).encode()
    h += b' ' * (-len(h) % 8)
    tmp = Path(str(path) + '.tmp')
    with open(tmp, 'wb') as f:
        f.write(struct.pack('<Q', len(h)))
        f.write(h)
        for c in chunks:
            f.write(c)
    tmp.replace(path)


def load(path):
    """The torch.optim state_dict stored in `path`, ready for `optimizer.load_state_dict`."""
    tensors, meta = _read_safetensors(path)
    if meta.get('format') != FORMAT:
        raise ValueError(f"{path}: metadata.format must be '{FORMAT}', got {meta.get('format')!r}")
    groups = json.loads(meta['param_groups'])
    for g in groups:
        if 'betas' in g:
            g['betas'] = tuple(g['betas'])
    state = {}
    for name, t in tensors.items():
        _, index, key = name.split('.', 2)
        state.setdefault(int(index), {})[key] = t
    return {'state': state, 'param_groups': groups}


def save(state_dict, path):
    """Writes `optimizer.state_dict()` to `path` for Backprop."""
    tensors = {}
    for index in sorted(state_dict['state']):
        for key, value in state_dict['state'][index].items():
            if value is None:
                continue
            if not torch.is_tensor(value):
                value = torch.tensor(float(value))
            tensors[f'state.{index}.{key}'] = value.float() if key == 'step' else value
    groups = [{k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()} for g in state_dict['param_groups']]
    _write_safetensors(path, tensors, {'format': FORMAT, 'param_groups': json.dumps(groups)})
