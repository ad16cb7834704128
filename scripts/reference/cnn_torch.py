#!/usr/bin/env python3
"""PyTorch reference run of the assignment's CNN (SPEC Part 4) on this machine.

Same data and preprocessing as Backprop (the official binary archive, float32 pixels 0-255 minus
the training mean image), the same network, Adam lr 1e-4, batch 32, seed 42; evaluates the whole
test set at the given steps and writes JSON. Run with Debian's python3 (torch 1.13):

    /usr/bin/python3 scripts/reference/cnn_torch.py --archive ../shared/data/cifar-10-binary.tar.gz \
        --steps 1000 --eval 0,500,1000 --out runs/torch-cnn-1000.json
"""
import argparse, json, os, sys, tarfile, time

import numpy as np
import torch
import torch.nn as nn


def load_cifar10_binary(path):
    train, test = [], []
    with tarfile.open(path, "r:gz") as tar:
        for m in sorted(tar.getmembers(), key=lambda m: m.name):
            name = m.name.rsplit("/", 1)[-1]
            if not name.endswith(".bin"):
                continue
            raw = np.frombuffer(tar.extractfile(m).read(), dtype=np.uint8).reshape(-1, 3073)
            (test if name == "test_batch.bin" else train).append(raw)
    train, test = np.concatenate(train), np.concatenate(test)
    return train[:, 1:], train[:, 0].astype(np.int64), test[:, 1:], test[:, 0].astype(np.int64)


# The one PyTorch definition of the SPEC Part 4 network, with @backprop/layers' parameter names
# (packages/layers/fixtures/torch_reference.py, also used by the parity tests).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "packages", "layers", "fixtures"))
from torch_reference import ConvNet  # noqa: E402


def conv_net(n_channels=3, n_classes=10):
    return ConvNet(n_channels, n_classes)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--archive", required=True)
    ap.add_argument("--steps", type=int, default=1000)
    ap.add_argument("--eval", default="0,500,1000")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=1e-4)
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    rng = np.random.RandomState(args.seed)

    xtr, ytr, xte, yte = load_cifar10_binary(args.archive)
    mean = xtr.astype(np.float32).mean(axis=0)
    prep = lambda x: torch.from_numpy((x.astype(np.float32) - mean).reshape(-1, 3, 32, 32))
    net = conv_net()
    opt = torch.optim.Adam(net.parameters(), lr=args.lr)
    loss_fn = nn.CrossEntropyLoss()
    evals = {int(s) for s in args.eval.split(",") if s}
    order, pos = rng.permutation(len(xtr)), 0  # shuffled before the first epoch, as Backprop does
    history, losses, t0 = [], [], time.time()

    def evaluate():
        net.eval()
        correct = 0
        with torch.no_grad():
            for i in range(0, len(xte), 500):
                correct += (net(prep(xte[i:i + 500])).argmax(1).numpy() == yte[i:i + 500]).sum()
        net.train()
        return correct / len(xte)

    for step in range(args.steps + 1):
        if step in evals:
            acc = evaluate()
            history.append({"step": step, "test_accuracy": float(acc), "train_loss": float(np.mean(losses[-50:])) if losses else None,
                            "elapsed_s": time.time() - t0})
            print(json.dumps(history[-1]), flush=True)
        if step == args.steps:
            break
        if pos + args.batch_size > len(order):
            order, pos = rng.permutation(len(xtr)), 0
        idx = order[pos:pos + args.batch_size]
        pos += args.batch_size
        opt.zero_grad()
        loss = loss_fn(net(prep(xtr[idx])), torch.from_numpy(ytr[idx]))
        loss.backward()
        opt.step()
        losses.append(loss.item())
    with open(args.out, "w") as f:
        json.dump({"torch": torch.__version__, "threads": args.threads, "args": vars(args), "history": history,
                   "loss_curve": losses, "wall_s": time.time() - t0}, f)


if __name__ == "__main__":
    main()
