#!/usr/bin/python3
"""PyTorch's side of bench/convnet-step.ts: one training step of the reference ConvNet (batch 32,
Adam lr 1e-4, cross-entropy), median of REPS steps after WARMUP, on this machine's CPU with
PyTorch's default thread count. Prints one JSON line."""
import json
import statistics
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / 'fixtures'))
from torch_reference import ConvNet  # noqa: E402

BATCH, WARMUP = 32, 2
REPS = int(sys.argv[1]) if len(sys.argv) > 1 else 5

torch.manual_seed(42)
model = ConvNet().train()
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
x = torch.randn(BATCH, 3, 32, 32) * 60
y = torch.randint(0, 10, (BATCH,))


def step():
    opt.zero_grad(set_to_none=True)
    loss = F.cross_entropy(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()


for _ in range(WARMUP):
    step()
times, cpu = [], []
for _ in range(REPS):
    t0, c0 = time.perf_counter(), time.process_time()
    step()
    times.append((time.perf_counter() - t0) * 1000)
    cpu.append((time.process_time() - c0) * 1000)
print(json.dumps({'medianMs': statistics.median(times), 'medianCpuMs': statistics.median(cpu), 'reps': REPS, 'threads': torch.get_num_threads(),
                  'torch': torch.__version__, 'samplesMs': [round(t, 1) for t in times]}))
