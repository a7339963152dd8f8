#!/usr/bin/env python3
"""PyTorch reference for `aelab-bench aae-epoch`: one training epoch of the AAE of the paper's
reproduction, written to do the same work as AELab's AAE (Sources/Models/Families/AAE.swift).

Network (batch 100, float32, 60,000 MNIST training images scaled to [0, 1]):
  encoder        Linear(784,1200) ReLU Dropout(p) Linear(1200,1200) ReLU Dropout(p) Linear(1200,8)
                 (deterministic head; dropout after each hidden layer of the encoder only)
  decoder        Linear(8,1200) ReLU Linear(1200,1200) ReLU Linear(1200,784)  -> pixel logits
  discriminator  Linear(8,1200) ReLU Linear(1200,1200) ReLU Linear(1200,1)    -> logit
  prior          N(0, 5^2 I) in 8 dimensions

Per batch, three phases, each with its own forward pass, zero_grad, backward and Adam step
(default betas), no work shared between phases:
  1. reconstruction  BCE-with-logits summed over the 784 pixels, averaged over the batch
                     -> encoder + decoder, lr 2e-4
  2. discriminator   BCE(D(z_prior), 1) + BCE(D(z_fake), 0), z_fake = encoder(x) recomputed here
                     (without gradient: it would be detached) -> discriminator, lr 1e-4;
                     two discriminator passes by default, as PyTorch ports write it, or with
                     --merged-disc one pass on the 200 codes, as AELab runs it (same loss)
  3. generator       BCE(D(encoder(x)), 1) -> encoder only, lr 1e-4; the discriminator's weights
                     are frozen for this phase, so no gradient is computed for them

The no-grad encoder of phase 2 and the frozen discriminator of phase 3 are what AELab's tape
does too (parameters outside a phase's set are constants there), so both sides issue the same
matrix products. `--no-freeze-disc` runs phase 3 as a plain `loss.backward()` would (computing,
then discarding, the discriminator's weight gradients).

Prints human-readable lines, then `pytorch_gemm_floor_seconds=...`, `pytorch_peak_rss_mib=...`
(getrusage's max RSS of this process), `torch_version=...` and, last,
`pytorch_epoch_seconds=<float>` (measured, or extrapolated from --batches K).
"""

import argparse
import gzip
import os
import platform
import resource
import statistics
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

BATCH = 100
LATENT = 8
HIDDEN = 1200
PIXELS = 784
PRIOR_STD = 5.0
IMAGES_FILE = "train-images-idx3-ubyte.gz"


# ----------------------------------------------------------------------------- data

def default_data_dir():
    """The mnist folder as AELab looks for it: each root of $AELAB_DATA (colon-separated),
    ./data, then ../shared/datasets beside the repository."""
    repo = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    roots = [r for r in os.environ.get("AELAB_DATA", "").split(":") if r]
    roots += [os.path.join(repo, "data"), os.path.join(repo, "..", "shared", "datasets")]
    for root in roots:
        for candidate in (os.path.join(root, "mnist"), root):
            if os.path.isfile(os.path.join(candidate, IMAGES_FILE)):
                return os.path.abspath(candidate)
    return os.path.abspath(os.path.join(repo, "..", "shared", "datasets", "mnist"))


def load_images(folder):
    path = os.path.join(folder, IMAGES_FILE)
    if not os.path.isfile(path):
        sys.exit(f"MNIST not found: no {path} (give the folder with --data, or set AELAB_DATA)")
    with gzip.open(path, "rb") as f:
        raw = f.read()
    magic, n, rows, cols = struct.unpack(">IIII", raw[:16])
    if magic != 2051:
        sys.exit(f"{path}: not an IDX image file (magic {magic})")
    pixels = np.frombuffer(raw, dtype=np.uint8, offset=16)
    if pixels.size != n * rows * cols or rows * cols != PIXELS:
        sys.exit(f"{path}: expected {n}x{PIXELS} pixels, found {pixels.size}")
    images = pixels.reshape(n, PIXELS).astype(np.float32) / np.float32(255.0)
    return torch.from_numpy(images)


# ----------------------------------------------------------------------------- model

def build(dropout):
    encoder = nn.Sequential(
        nn.Linear(PIXELS, HIDDEN), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(), nn.Dropout(dropout),
        nn.Linear(HIDDEN, LATENT))
    decoder = nn.Sequential(
        nn.Linear(LATENT, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, PIXELS))
    discriminator = nn.Sequential(
        nn.Linear(LATENT, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, HIDDEN), nn.ReLU(),
        nn.Linear(HIDDEN, 1))
    for m in (encoder, decoder, discriminator):
        m.train()
    return encoder, decoder, discriminator


def adam(params, lr, impl):
    kwargs = {}
    if impl == "foreach":
        kwargs["foreach"] = True
    elif impl == "fused":
        kwargs["fused"] = True
    return torch.optim.Adam(params, lr=lr, **kwargs)


class AAE:
    def __init__(self, dropout, adam_impl, freeze_disc, merged_disc=False):
        self.merged_disc = merged_disc
        self.encoder, self.decoder, self.discriminator = build(dropout)
        self.opt_ae = adam(list(self.encoder.parameters()) + list(self.decoder.parameters()), 2e-4, adam_impl)
        self.opt_d = adam(self.discriminator.parameters(), 1e-4, adam_impl)
        self.opt_g = adam(self.encoder.parameters(), 1e-4, adam_impl)
        self.freeze_disc = freeze_disc
        self.phase_seconds = [0.0, 0.0, 0.0]

    def step(self, x):
        n = x.shape[0]
        t0 = time.perf_counter()

        # 1. reconstruction -> encoder + decoder
        logits = self.decoder(self.encoder(x))
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="sum") / n
        self.opt_ae.zero_grad()
        rec.backward()
        self.opt_ae.step()
        t1 = time.perf_counter()

        # 2. discriminator -> discriminator (z_fake recomputed, no gradient into the encoder)
        with torch.no_grad():
            z_fake = self.encoder(x)
        z_prior = torch.randn(n, LATENT) * PRIOR_STD
        if self.merged_disc:
            # Both halves in one batch of 2n, as AELab does (its discriminator has no batch norm)
            both = self.discriminator(torch.cat([z_prior, z_fake]))
            targets = torch.cat([torch.ones(n, 1), torch.zeros(n, 1)])
            d_loss = F.binary_cross_entropy_with_logits(both, targets, reduction="sum") / n
        else:
            real = self.discriminator(z_prior)
            fake = self.discriminator(z_fake)
            d_loss = (F.binary_cross_entropy_with_logits(real, torch.ones_like(real))
                      + F.binary_cross_entropy_with_logits(fake, torch.zeros_like(fake)))
        self.opt_d.zero_grad()
        d_loss.backward()
        self.opt_d.step()
        t2 = time.perf_counter()

        # 3. generator -> encoder only
        if self.freeze_disc:
            self.discriminator.requires_grad_(False)
        g_logits = self.discriminator(self.encoder(x))
        g_loss = F.binary_cross_entropy_with_logits(g_logits, torch.ones_like(g_logits))
        self.opt_g.zero_grad()
        g_loss.backward()
        self.opt_g.step()
        if self.freeze_disc:
            self.discriminator.requires_grad_(True)
        t3 = time.perf_counter()

        self.phase_seconds[0] += t1 - t0
        self.phase_seconds[1] += t2 - t1
        self.phase_seconds[2] += t3 - t2
        return rec.item(), d_loss.item(), g_loss.item()


# ----------------------------------------------------------------------------- GEMM floor

# Layers as (in, out).
ENC = [(PIXELS, HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, LATENT)]
DEC = [(LATENT, HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, PIXELS)]
DIS = [(LATENT, HIDDEN), (HIDDEN, HIDDEN), (HIDDEN, 1)]


def step_gemms(freeze_disc, merged_disc=False):
    """The matrix products of one training step (one batch, three phases), as torch issues
    them for nn.Linear: forward Y = b + X·Wᵀ (addmm(b, x, W.t())), input gradient dX = dY·W,
    weight gradient dW = dYᵀ·X (dY.t(), X). No dX for a layer whose input needs no gradient (the data, the
    prior sample, the detached z); no dW for a frozen layer. Each entry: (kind, in, out, rows)."""
    ops = []

    def forward(layers, rows=BATCH):
        ops.extend(("fwd", i, o, rows) for i, o in layers)

    def backward(layers, input_needs_grad, weights_need_grad=True, rows=BATCH):
        for k, (i, o) in reversed(list(enumerate(layers))):
            if weights_need_grad:
                ops.append(("dW", i, o, rows))
            if k > 0 or input_needs_grad:
                ops.append(("dX", i, o, rows))

    # 1. reconstruction
    forward(ENC + DEC)
    backward(DEC, input_needs_grad=True)
    backward(ENC, input_needs_grad=False)
    # 2. discriminator: encoder forward without gradient, D on the prior sample and on z_fake
    forward(ENC)
    if merged_disc:
        forward(DIS, rows=2 * BATCH)
        backward(DIS, input_needs_grad=False, rows=2 * BATCH)
    else:
        forward(DIS)
        forward(DIS)
        backward(DIS, input_needs_grad=False)
        backward(DIS, input_needs_grad=False)
    # 3. generator
    forward(ENC + DIS)
    backward(DIS, input_needs_grad=True, weights_need_grad=not freeze_disc)
    backward(ENC, input_needs_grad=False)
    return ops


def gemm_floor(freeze_disc, iterations, warmup=3, merged_disc=False):
    """Seconds per step of the step's GEMMs alone, on preallocated random operands with
    torch.addmm(bias, ..., out=...) for a forward product (F.linear's call, the bias added by
    the GEMM) and torch.mm(..., out=...) for a gradient product; no activations, losses,
    bias gradients, optimizer or allocation."""
    ops = step_gemms(freeze_disc, merged_disc)
    g = torch.Generator().manual_seed(0)
    weights, calls, flops = {}, [], 0
    for kind, i, o, rows in ops:
        w = weights.setdefault((i, o), torch.randn(o, i, generator=g))   # nn.Linear's (out, in)
        x = torch.randn(rows, i, generator=g)
        dy = torch.randn(rows, o, generator=g)
        if kind == "fwd":      # bias + (B,i)·(i,o), as F.linear's addmm
            a, b, out = x, w.t(), torch.empty(rows, o)
            bias = torch.randn(o, generator=g)
        elif kind == "dX":     # (B,o)·(o,i)
            a, b, out = dy, w, torch.empty(rows, i)
        else:                  # dW: (o,B)·(B,i)
            a, b, out = dy.t(), x, torch.empty(o, i)
        calls.append((bias if kind == "fwd" else None, a, b, out))
        flops += 2 * rows * i * o
    times = []
    for it in range(warmup + iterations):
        t = time.perf_counter()
        for bias, a, b, out in calls:
            if bias is None:
                torch.mm(a, b, out=out)
            else:
                torch.addmm(bias, a, b, out=out)
        if it >= warmup:
            times.append(time.perf_counter() - t)
    counts = {k: sum(1 for op in ops if op[0] == k) for k in ("fwd", "dX", "dW")}
    return statistics.median(times), min(times), flops, counts


# ----------------------------------------------------------------------------- main

def time_epoch(model, data, batch, batches_per_epoch, timed, warmup):
    """Trains `warmup` untimed batches (allocator, MKL/oneDNN kernels, optimizer state), then
    `timed` batches of a fresh shuffle with `model.step` (which returns the three phases' losses
    and adds each phase's seconds to `model.phase_seconds`), timing the whole and each batch;
    prints the losses, the phases, the epoch (measured, or extrapolated to `batches_per_epoch`)
    and the median batch's epoch. Returns (measured seconds, epoch seconds, median-batch epoch)."""
    n = data.shape[0]
    perm = torch.randperm(n)
    for b in range(warmup):
        model.step(data[perm[b * batch:(b + 1) * batch]])
    model.phase_seconds = [0.0, 0.0, 0.0]

    # The timed epoch: shuffle, gather each batch, three phases.
    sums = [0.0, 0.0, 0.0]
    batch_seconds = []
    start = time.perf_counter()
    perm = torch.randperm(n)
    for b in range(timed):
        t = time.perf_counter()
        losses = model.step(data[perm[b * batch:(b + 1) * batch]])
        for k in range(3):
            sums[k] += losses[k]
        batch_seconds.append(time.perf_counter() - t)
    measured = time.perf_counter() - start
    median_epoch = statistics.median(batch_seconds) * batches_per_epoch
    epoch = measured * batches_per_epoch / timed

    ph = model.phase_seconds
    other = measured - sum(ph)
    print(f"losses (mean over the timed batches): reconstruction {sums[0] / timed:.2f}, "
          f"discriminator {sums[1] / timed:.4f}, generator {sums[2] / timed:.4f}")
    print(f"phases over the timed batches: reconstruction {ph[0]:.2f} s, discriminator {ph[1]:.2f} s, "
          f"generator {ph[2]:.2f} s, shuffle+gather+loss reads {other:.2f} s")
    if timed == batches_per_epoch:
        print(f"epoch: {measured:.2f} s for {timed} batches (measured)")
    else:
        print(f"measured: {measured:.2f} s for {timed} batches; "
              f"epoch EXTRAPOLATED to {batches_per_epoch} batches: {epoch:.2f} s")
    print(f"median batch {statistics.median(batch_seconds) * 1e3:.1f} ms x {batches_per_epoch} = "
          f"{median_epoch:.2f} s (less sensitive to bursts of load from other processes)")
    return measured, epoch, median_epoch


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--batches", type=int, default=None,
                   help="time only K batches and extrapolate to the 600 of an epoch "
                   "(default, or 0: the whole epoch)")
    p.add_argument("--dropout", type=float, default=0.2, help="encoder dropout p (default 0.2)")
    p.add_argument("--data", default=None, help="folder holding train-images-idx3-ubyte.gz "
                   "(default: $AELAB_DATA/mnist, else ../shared/datasets/mnist beside the repository)")
    p.add_argument("--warmup", type=int, default=5, help="untimed batches first (default 5)")
    p.add_argument("--gemm-iterations", type=int, default=20,
                   help="steps timed for the GEMM floor (default 20; 0 skips it)")
    p.add_argument("--adam", choices=["default", "foreach", "fused"], default="default",
                   help="torch.optim.Adam implementation (default: torch's own choice)")
    p.add_argument("--no-freeze-disc", action="store_true",
                   help="compute (and discard) the discriminator's weight gradients in phase 3")
    p.add_argument("--merged-disc", action="store_true",
                   help="run the discriminator phase's real and fake codes as one batch of 200, as AELab does "
                        "(default: two passes, as PyTorch ports of the AAE write it)")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    freeze = not args.no_freeze_disc

    folder = args.data or default_data_dir()
    t = time.perf_counter()
    data = load_images(folder)
    load_seconds = time.perf_counter() - t
    n = data.shape[0]
    batches_per_epoch = n // BATCH
    timed = batches_per_epoch if not args.batches else max(1, min(args.batches, batches_per_epoch))

    print(f"PyTorch AAE epoch: torch {torch.__version__}, Python {platform.python_version()}, "
          f"threads {torch.get_num_threads()}, MKL {torch.backends.mkl.is_available()}, "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    print(f"data: {n} images from {folder} (read in {load_seconds:.2f} s); batch {BATCH}, "
          f"{batches_per_epoch} batches per epoch")
    print(f"network: encoder 784-1200-1200-8 (dropout {args.dropout}), decoder 8-1200-1200-784, "
          f"discriminator 8-1200-1200-1; prior N(0, 5^2 I); Adam {args.adam}; "
          f"discriminator {'frozen' if freeze else 'not frozen'} in the generator phase")

    model = AAE(args.dropout, args.adam, freeze, args.merged_disc)

    measured, epoch, median_epoch = time_epoch(model, data, BATCH, batches_per_epoch, timed, args.warmup)

    if args.gemm_iterations > 0:
        med, best, flops, counts = gemm_floor(freeze, args.gemm_iterations, merged_disc=args.merged_disc)
        print(f"GEMM floor: the {sum(counts.values())} matrix products of one step "
              f"({counts['fwd']} forward b + X·Wᵀ, {counts['dX']} input-gradient dY·W, {counts['dW']} "
              f"weight-gradient dYᵀ·X over the three phases; no activation, loss, dropout, "
              f"bias-gradient or optimizer work), addmm/mm on preallocated operands, {args.gemm_iterations} steps: "
              f"{med * 1e3:.1f} ms/step median ({best * 1e3:.1f} best), {flops / 1e9:.2f} GFLOP/step, "
              f"{flops / med / 1e9:.0f} GFLOP/s")
        print(f"GEMM floor per epoch: {med * batches_per_epoch:.2f} s "
              f"({best * batches_per_epoch:.2f} s at the best step) = "
              f"{100 * med * batches_per_epoch / epoch:.0f}% of the epoch")
        print(f"pytorch_gemm_floor_seconds={med * batches_per_epoch:.3f}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    print(f"peak resident memory: {peak:.0f} MiB")
    print(f"pytorch_epoch_seconds_from_median_batch={median_epoch:.3f}")
    print(f"pytorch_peak_rss_mib={peak:.0f}")
    print(f"torch_version={torch.__version__}")
    print(f"pytorch_epoch_seconds={epoch:.3f}")


if __name__ == "__main__":
    main()
