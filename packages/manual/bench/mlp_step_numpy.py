#!/usr/bin/python3
"""One training step of the manual MLP in NumPy, hand-written backprop as in the original
assignment (docs/reference-settings.md, Part 1: 3072-100-10, ELU, batch 200, softmax + cross-entropy, plain SGD).
Prints one JSON line: the median step time and every sample. Used by mlp-step.ts.

    /usr/bin/python3 mlp_step_numpy.py [--dtype float32|float64] [--first-dx] [--reps 20]

--dtype float64 with --first-dx is the original exactly: its weights were float64
(np.random.normal) and its backward also computed dL/dx at the first layer.
"""
import argparse
import json
import time

import numpy as np

p = argparse.ArgumentParser()
p.add_argument("--dtype", default="float32", choices=["float32", "float64"])
p.add_argument("--first-dx", action="store_true", help="also compute dL/dx of the first layer (the original did)")
p.add_argument("--reps", type=int, default=20)
p.add_argument("--warmup", type=int, default=3)
p.add_argument("--batch", type=int, default=200)
p.add_argument("--hidden", type=int, default=100)
args = p.parse_args()
dt = np.dtype(args.dtype)
rng = np.random.default_rng(42)


class Linear:
    def __init__(self, n_in, n_out):
        self.params = {"weight": rng.normal(0, 1e-4, (n_out, n_in)).astype(dt), "bias": np.zeros(n_out, dt)}
        self.grads = {"weight": np.zeros((n_out, n_in), dt), "bias": np.zeros(n_out, dt)}

    def forward(self, x):
        self.x = x
        return x @ self.params["weight"].T + self.params["bias"]

    def backward(self, dout, need_dx=True):
        self.grads["weight"] = dout.T @ self.x
        self.grads["bias"] = dout.sum(axis=0)
        return dout @ self.params["weight"] if need_dx else None


class ELU:
    def forward(self, x):
        self.x = x
        return np.where(x > 0, x, np.exp(np.minimum(x, 0)) - 1)

    def backward(self, dout):
        return dout * np.where(self.x > 0, 1, np.exp(np.minimum(self.x, 0)))


class Softmax:
    def forward(self, x):
        e = np.exp(x - x.max(axis=1, keepdims=True))
        self.y = e / e.sum(axis=1, keepdims=True)
        return self.y

    def backward(self, dout):
        return self.y * (dout - (dout * self.y).sum(axis=1, keepdims=True))


class CrossEntropy:
    def forward(self, x, t):
        return -(t * np.log(x)).sum() / x.shape[0]

    def backward(self, x, t):
        return -t / x / x.shape[0]


layers = [Linear(3072, args.hidden), ELU(), Linear(args.hidden, 10), Softmax()]
loss = CrossEntropy()
x = (rng.normal(0, 60, (args.batch, 3072))).astype(np.float32)  # mean-subtracted 0–255 pixels
t = np.eye(10, dtype=np.float32)[rng.integers(0, 10, args.batch)]
lr = 1e-3


def step():
    h = x
    for layer in layers:
        h = layer.forward(h)
    value = loss.forward(h, t)
    d = loss.backward(h, t)
    for layer in reversed(layers[1:]):
        d = layer.backward(d)
    layers[0].backward(d, need_dx=args.first_dx)
    for layer in layers:
        for k in getattr(layer, "params", {}):
            layer.params[k] -= lr * layer.grads[k]
    return float(value)


for _ in range(args.warmup):
    step()
times = []
for _ in range(args.reps):
    t0 = time.perf_counter()
    step()
    times.append((time.perf_counter() - t0) * 1000)
print(json.dumps({"median_ms": float(np.median(times)), "samples_ms": times, "reps": args.reps, "dtype": args.dtype,
                  "first_dx": args.first_dx, "numpy": np.__version__}))
