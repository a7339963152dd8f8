"""The Parzen-window protocol in numpy, as a reference for `aelab-bench parzen`.

Samples: the first N MNIST training images; validation: the last V of the training file; test: the
first T test images (the same data as aelab-bench parzen). Squared distances by one GEMM per chunk
(||x||^2 + ||s||^2 - 2 x.s, float32, as the GAN paper's script), a stable log-sum-exp per σ over the
validation set for a logspace(-1, 0, 10) grid, then the test set at the chosen σ.
Prints numpy_parzen_seconds=... and numpy_parzen_ll=... on their own lines.
"""
import argparse, gzip, os, struct, sys, time
import numpy as np


def idx_images(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", data[:16])
    assert magic == 0x803, path
    return np.frombuffer(data, np.uint8, offset=16).reshape(n, rows * cols).astype(np.float32) / 255


def log_likelihoods(points, samples, sigmas, chunk=500):
    n, d = samples.shape
    s_norms = (samples * samples).sum(1)
    out = np.empty((len(sigmas), len(points)))
    for start in range(0, len(points), chunk):
        x = points[start:start + chunk]
        dist = (x * x).sum(1)[:, None] + s_norms[None, :] - 2 * x @ samples.T
        np.maximum(dist, 0, out=dist)
        for k, sigma in enumerate(sigmas):
            a = -dist / (2 * sigma * sigma)
            m = a.max(1, keepdims=True)
            lse = m[:, 0] + np.log(np.exp(a - m).sum(1))
            out[k, start:start + chunk] = lse - np.log(n) - d / 2 * np.log(2 * np.pi * sigma * sigma)
    return out


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--data", default=os.path.join(os.environ.get("AELAB_DATA", "../shared/datasets").split(":")[0], "mnist"))
    p.add_argument("--samples", type=int, default=10000)
    p.add_argument("--validation", type=int, default=1000)
    p.add_argument("--test", type=int, default=10000)
    a = p.parse_args()
    train = idx_images(os.path.join(a.data, "train-images-idx3-ubyte.gz"))
    test = idx_images(os.path.join(a.data, "t10k-images-idx3-ubyte.gz"))[: a.test]
    samples, validation = train[: a.samples], train[len(train) - a.validation:]
    sigmas = np.logspace(-1, 0, 10)
    start = time.perf_counter()
    means = log_likelihoods(validation, samples, sigmas).mean(1)
    best = sigmas[int(np.argmax(means))]
    ll = log_likelihoods(test, samples, [best])[0]
    seconds = time.perf_counter() - start
    print(f"numpy {np.__version__}: {seconds:.3f} s, log-likelihood {ll.mean():.2f} ± {ll.std(ddof=1) / np.sqrt(len(ll)):.2f} at σ = {best:.4f}")
    print(f"numpy_parzen_seconds={seconds:.3f}")
    print(f"numpy_parzen_ll={ll.mean():.4f}")


if __name__ == "__main__":
    sys.exit(main())
