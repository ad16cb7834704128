#!/usr/bin/python3
"""Python worker of the bench runner (bench/src/protocol.ts): sets up one workload on NumPy or
PyTorch, then answers JSON commands on stdin with `@@bench <json>` lines on stdout.

    /usr/bin/python3 bench/py/worker.py --impl numpy|torch --task <task> --size N [--threads T]

The NumPy MLP step is packages/manual/bench/mlp_step_numpy.py's (imported, not copied); the torch
ConvNet is scripts/reference/cnn_torch.py's conv_net(). Thread counts are set by the runner:
OPENBLAS_NUM_THREADS in the environment for NumPy, torch.set_num_threads for PyTorch.
"""
import argparse
import contextlib
import io
import json
import os
import resource
import sys
import time
import warnings

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
MARK = "@@bench "


def reply(obj):
    sys.stdout.write(MARK + json.dumps(obj) + "\n")
    sys.stdout.flush()


def numpy_mlp(size):
    """The manual MLP step of mlp_step_numpy.py: float32, no dL/dx at the first layer (same work as
    Backprop's manual MLP). The script runs at import, so it is imported with 0 warm-up and 0
    repetitions and its step() is reused."""
    import runpy
    import numpy as np

    script = os.path.join(ROOT, "packages", "manual", "bench", "mlp_step_numpy.py")
    saved = sys.argv
    sys.argv = [script, "--dtype", "float32", "--reps", "0", "--warmup", "0", "--batch", str(size)]
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")  # median of no samples
            module = runpy.run_path(script, run_name="mlp_step_numpy")
    finally:
        sys.argv = saved
    return module["step"], {"numpy": np.__version__, "openblas_threads": os.environ.get("OPENBLAS_NUM_THREADS", "default")}


def torch_setup(threads):
    import torch

    torch.manual_seed(42)
    torch.set_num_threads(threads)
    return torch, {"torch": torch.__version__, "threads": torch.get_num_threads()}


PIXEL_STD = 60.0  # mean-subtracted 0-255 pixels


def training_step(net, opt, loss_fn, x, y):
    """One optimizer step on a fixed batch, as a closure the timing loop calls."""

    def step():
        opt.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return step


def torch_mlp(size, threads):
    torch, info = torch_setup(threads)
    nn = torch.nn
    net = nn.Sequential(nn.Linear(3072, 100), nn.ELU(), nn.Linear(100, 10))
    opt = torch.optim.SGD(net.parameters(), lr=1e-3)
    loss_fn = nn.CrossEntropyLoss()
    x = torch.randn(size, 3072) * PIXEL_STD
    y = torch.randint(0, 10, (size,))

    return training_step(net, opt, loss_fn, x, y), info


def conv_net():
    sys.path.insert(0, os.path.join(ROOT, "scripts", "reference"))
    from cnn_torch import conv_net as make

    return make()


def torch_cnn_step(size, threads):
    torch, info = torch_setup(threads)
    net = conv_net().train()
    opt = torch.optim.Adam(net.parameters(), lr=1e-4)
    loss_fn = torch.nn.CrossEntropyLoss()
    x = torch.randn(size, 3, 32, 32) * PIXEL_STD
    y = torch.randint(0, 10, (size,))

    return training_step(net, opt, loss_fn, x, y), info


def torch_cnn_eval(size, threads):
    torch, info = torch_setup(threads)
    net = conv_net().eval()
    batch = min(500, size)
    batches = [torch.randn(min(batch, size - i), 3, 32, 32) * PIXEL_STD for i in range(0, size, batch)]

    def step():
        with torch.no_grad():
            return [net(xb).argmax(1).numpy() for xb in batches]

    return step, info


def torch_conv_layer(size, threads):
    torch, info = torch_setup(threads)
    conv = torch.nn.Conv2d(64, 64, 3, padding=1)
    x = torch.randn(size, 64, 32, 32, requires_grad=True)
    dy = torch.randn(size, 64, 32, 32)

    def step():
        x.grad = None
        conv.zero_grad(set_to_none=True)
        conv(x).backward(dy)

    return step, info


TASKS = {
    ("numpy", "mlp-manual"): lambda size, threads: numpy_mlp(size),
    ("torch", "mlp-layers"): torch_mlp,
    ("torch", "cnn-step"): torch_cnn_step,
    ("torch", "cnn-eval"): torch_cnn_eval,
    ("torch", "conv-layer"): torch_conv_layer,
}


def torch_profile(step, reps):
    """Per-op profile of `reps` repetitions under torch.profiler, in the shape of the Node worker's
    (bench/src/kernel-profile.ts StepProfile): per repetition, the self CPU time of every aten op
    (the kernels; record functions around them — autograd nodes, Optimizer.step — are Python and
    bookkeeping, as the JS around tfjs kernels, and are left out as tf.profile leaves that out)."""
    import torch

    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CPU]) as prof:
        t0 = time.perf_counter()
        for _ in range(reps):
            step()
        wall = (time.perf_counter() - t0) * 1000 / reps
    rows = [
        {"kernel": e.key, "calls": e.count / reps, "ms": e.self_cpu_time_total / 1000 / reps, "flop": None}
        for e in prof.key_averages()
        if e.key.startswith("aten::")
    ]
    rows.sort(key=lambda r: -r["ms"])
    return {"reps": reps, "kernelMs": sum(r["ms"] for r in rows), "wallMs": wall, "rows": rows, "byShape": []}


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--impl", required=True, choices=["numpy", "torch"])
    p.add_argument("--task", required=True)
    p.add_argument("--size", type=int, required=True)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    args = p.parse_args()
    make = TASKS.get((args.impl, args.task))
    if make is None:
        reply({"error": f"worker.py: no task {args.task!r} for {args.impl}"})
        return
    try:
        step, info = make(args.size, args.threads)
    except Exception as e:  # reported in the table, not hidden
        reply({"error": f"{type(e).__name__}: {e}"})
        return
    reply({"ready": True, "info": info})
    for line in sys.stdin:
        if not line.strip():
            continue
        cmd = json.loads(line)
        try:
            if cmd["cmd"] == "run":
                for _ in range(cmd["warmup"]):
                    step()
                samples = []
                for _ in range(cmd["reps"]):
                    t0 = time.perf_counter()
                    step()
                    samples.append((time.perf_counter() - t0) * 1000)
                reply({"samples": samples})
            elif cmd["cmd"] == "profile":
                if args.impl != "torch":
                    raise ValueError("worker.py: profile needs PyTorch (its profiler)")
                reply({"profile": torch_profile(step, cmd["reps"]), "peak": None})
            elif cmd["cmd"] == "end":
                reply({"peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})
                return
            else:
                reply({"error": f"worker.py: unknown command {cmd['cmd']!r}"})
        except Exception as e:
            reply({"error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
