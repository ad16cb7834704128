#!/usr/bin/python3
"""PyTorch float64 reference of the first training steps of each preset (Debian's python3-torch).

Usage: preset_steps_torch.py IN_DIR OUT_JSON
IN_DIR holds one <case>.safetensors per case (each preset, and mlp-tuned with --norm layer), written by packages/train/src/preset-steps.test.ts
(BACKPROP_RECORD=1): the model's initial state_dict (Backprop's own seeded init, PyTorch names and
layouts) under `model.<name>`, the fixed batch (`batch.x` in the model's input layout, `batch.labels`),
and in the metadata the run's config (JSON). For each preset this builds the same network in PyTorch,
loads that state with load_state_dict(strict=True), converts everything to float64 and takes
config.maxSteps optimizer steps on the batch (train mode, mean cross-entropy on logits, SGD or Adam with
the config's learning rate and PyTorch's defaults otherwise), recording each step's loss before its
update. OUT_JSON: {preset: {"losses": [...], "config": {...}}}.

Regenerate the committed record (packages/train/fixtures/preset-steps-torch.json):
  BACKPROP_RECORD=1 pnpm --filter @backprop/train exec vitest run src/preset-steps.test.ts
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / 'packages/layers/fixtures'))
from torch_reference import ConvNet, read_safetensors  # noqa: E402  (the reference ConvNet, Backprop's names)

ACTIVATIONS = {'elu': nn.ELU, 'tanh': nn.Tanh, 'relu': nn.ReLU}


class LayersMLP(nn.Module):
    """@backprop/layers' MLP: layers.<i> = Linear, activation[, BatchNorm1d | LayerNorm] per hidden layer, then Linear."""

    def __init__(self, n_inputs, hidden, n_classes, activation, norm):
        super().__init__()
        layers, width = [], n_inputs
        for h in hidden:
            layers += [nn.Linear(width, h), ACTIVATIONS[activation]()]
            if norm == 'batch':
                layers.append(nn.BatchNorm1d(h))
            elif norm == 'layer':
                layers.append(nn.LayerNorm(h, eps=1e-5))
            width = h
        layers.append(nn.Linear(width, n_classes))
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x.flatten(1))


class ManualMLP(nn.Module):
    """@backprop/manual's MLP: Linear, activation, …, Linear in one Sequential (its names: layers.0.weight, layers.2.weight, …)."""

    def __init__(self, n_inputs, hidden, n_classes, activation):
        super().__init__()
        sizes = [n_inputs, *hidden, n_classes]
        layers = []
        for i in range(len(sizes) - 1):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i + 2 < len(sizes):
                layers.append(ACTIVATIONS[activation]())
        self.layers = nn.Sequential(*layers)

    def forward(self, x):
        return self.layers(x)


def build(config, state, n_inputs, n_channels, n_classes):
    if config['model'] == 'manual-mlp':
        return ManualMLP(n_inputs, config['hiddenUnits'], n_classes, config['activation'])
    if config['model'] == 'mlp':
        return LayersMLP(n_inputs, config['hiddenUnits'], n_classes, config['activation'], config['norm'])
    if config['model'] == 'cnn':
        return ConvNet(n_channels, n_classes)
    raise SystemExit(f"preset_steps_torch: unknown model {config['model']}")


def run(path):
    tensors, meta = read_safetensors(path)
    config = json.loads(meta['config'])
    n_classes = int(meta['n_classes'])
    x = torch.from_numpy(tensors.pop('batch.x').astype(np.float64))
    labels = torch.from_numpy(tensors.pop('batch.labels').astype(np.int64))
    if config['model'] == 'cnn':
        x = x.permute(0, 3, 1, 2).contiguous()  # Backprop's NHWC batch → PyTorch's NCHW
    state = {k[len('model.'):]: torch.from_numpy(v.copy()) for k, v in tensors.items() if k.startswith('model.')}
    n_channels = x.shape[1] if config['model'] == 'cnn' else 3
    model = build(config, state, x[0].numel(), n_channels, n_classes)
    model.load_state_dict(state, strict=True)
    model = model.double().train()
    lr = config['learningRate']
    opt = torch.optim.Adam(model.parameters(), lr=lr, eps=1e-8) if config['optimizer'] == 'adam' else torch.optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(config['maxSteps']):
        opt.zero_grad()
        loss = F.cross_entropy(model(x), labels)
        losses.append(loss.item())
        loss.backward()
        opt.step()
    return {'losses': losses, 'config': config}


def main():
    in_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    torch.set_num_threads(1)
    record = {'note': 'PyTorch float64 losses of the first steps on one fixed batch, from Backprop\'s init; '
                      'scripts/reference/preset_steps_torch.py (see its docstring to regenerate)',
              'torch': torch.__version__}
    for f in sorted(in_dir.glob('*.safetensors')):
        record[f.stem] = run(f)
    out.write_text(json.dumps(record, indent=2) + '\n')


if __name__ == '__main__':
    main()
