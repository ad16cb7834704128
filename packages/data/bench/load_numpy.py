"""NumPy peer of load-bench.ts: the same work from the same archive, as the original assignment's
cifar10_utils did it — read the binary CIFAR-10 tar.gz (tarfile + gzip), split labels from pixels
(np.frombuffer), convert to float32 and subtract the training mean image from train and test.
Prints one JSON line: seconds and peak RSS (MiB)."""
import json
import os
import resource
import sys
import tarfile
import time

import numpy as np

TRAIN = [f"data_batch_{i}.bin" for i in range(1, 6)]
TEST = "test_batch.bin"


def main(path):
    t0 = time.perf_counter()
    parts = {}
    with tarfile.open(path, "r:gz") as tar:
        for member in tar:
            base = os.path.basename(member.name)
            if member.isfile() and (base in TRAIN or base == TEST):
                raw = tar.extractfile(member).read()
                parts[base] = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3073)
    train = np.concatenate([parts[f] for f in TRAIN])
    test = parts[TEST]
    y_train, y_test = train[:, 0].copy(), test[:, 0].copy()
    t_load = time.perf_counter() - t0
    x_train = train[:, 1:].astype(np.float32)
    x_test = test[:, 1:].astype(np.float32)
    del train, test, parts
    mean = x_train.mean(axis=0)
    x_train -= mean
    x_test -= mean
    t_total = time.perf_counter() - t0
    channel_mean = (x_train.reshape(-1, 3, 1024) + mean.reshape(3, 1024)).mean(axis=(0, 2), dtype=np.float64) if "--check" in sys.argv else None
    print(json.dumps({
        "load_s": t_load,
        "total_s": t_total,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "train": int(x_train.shape[0]),
        "test": int(x_test.shape[0]),
        "numpy": np.__version__,
        "channel_mean": None if channel_mean is None else [float(v) for v in channel_mean],
    }))


if __name__ == "__main__":
    main(sys.argv[1])
