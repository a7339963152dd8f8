#!/usr/bin/env python3
"""PyTorch reference for `aelab-bench aae-epoch --spec SPEC`: one training epoch of a spec's AAE
(the convolutional one of experiments/conv-mnist.json), built layer for layer from the model
AELab builds, and trained with the same phases as AELab's AAE (Sources/Models/Families/AAE.swift).

The network comes from --model-json, the output of
  .build/release/aelab-bench aae-epoch --spec SPEC --describe > model.json
(scripts/bench-aae-epoch --spec SPEC makes it): each network's layers as AELab's run files record
them, with torch.nn's constructor arguments, and the training settings. For experiments/conv-mnist.json:
  encoder        Conv2d(1,32,4,2,1) ReLU Conv2d(32,64,4,2,1) ReLU Flatten Linear(3136,8)
  decoder        Linear(8,3136) ReLU Unflatten(64,7,7) ConvTranspose2d(64,32,4,2,1) ReLU
                 ConvTranspose2d(32,1,4,2,1)                                  -> pixel logits
  discriminator  Linear(8,1000) ReLU Linear(1000,1000) ReLU Linear(1000,1)    -> logit
  prior N(0, 5^2 I), batch 100, Adam lr 1e-3 (reconstruction) and 1e-4 (regularisation)
Weights xavier_uniform_ (torch's fans: a transposed convolution's weight [in, out, k, k] has
fan-in out·k²), biases zero, as AELab's "glorot" init.

Per batch, three phases, each with its own forward pass, zero_grad, backward and Adam step
(the spec's betas), no work shared between phases:
  1. reconstruction  BCE-with-logits summed over the pixels, averaged over the batch -> encoder + decoder
  2. discriminator   BCE(D(z_prior), 1) + BCE(D(z_fake), 0), z_fake = encoder(x) without gradient
                     -> discriminator; two passes by default (as PyTorch ports write it), or with
                     --merged-disc one pass on the 2n codes, as AELab runs it (same loss)
  3. generator       BCE(D(encoder(x)), 1) -> encoder only; the discriminator frozen for the phase

Prints human-readable lines, then `pytorch_peak_rss_mib=...` (getrusage's max RSS of this
process), `torch_version=...` and, last, `pytorch_epoch_seconds=<float>` (measured, or
extrapolated from --batches K).
"""

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pytorch_aae_epoch import default_data_dir, load_images, time_epoch  # noqa: E402  (MNIST as the MLP reference reads it)

ACTIVATIONS = {
    "relu": lambda o: nn.ReLU(),
    "leaky_relu": lambda o: nn.LeakyReLU(o.get("negative_slope", 0.2)),
    "elu": lambda o: nn.ELU(o.get("alpha", 1.0)),
    "tanh": lambda o: nn.Tanh(),
    "sigmoid": lambda o: nn.Sigmoid(),
    "softplus": lambda o: nn.Softplus(),
    "identity": lambda o: nn.Identity(),
}


def layer(o):
    kind = o["kind"]
    if kind == "dense":
        return nn.Linear(o["in_features"], o["out_features"])
    if kind == "conv":
        return nn.Conv2d(o["in_channels"], o["out_channels"], o["kernel_size"], o["stride"], o["padding"])
    if kind == "conv_transpose":
        return nn.ConvTranspose2d(o["in_channels"], o["out_channels"], o["kernel_size"], o["stride"],
                                  o["padding"], o.get("output_padding", 0))
    if kind == "activation":
        return ACTIVATIONS[o["function"]](o)
    if kind == "dropout":
        return nn.Dropout(o["p"])
    if kind == "reshape":
        return nn.Unflatten(1, tuple(o["shape"]))
    if kind == "flatten":
        return nn.Flatten()
    if kind == "batch_norm":
        cls = nn.BatchNorm2d if o.get("spatial") else nn.BatchNorm1d
        return cls(o["num_features"], eps=o.get("eps", 1e-5), momentum=o.get("momentum", 0.1))
    sys.exit(f"model JSON: unknown layer kind {kind!r}")


def network(record, name):
    if record.get("extra_inputs"):
        sys.exit(f"model JSON: the {name} has extra inputs {record['extra_inputs']} (conditional models are not supported)")
    net = nn.Sequential(*[layer(o) for o in record["layers"]])
    for m in net.modules():
        if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)
    net.train()
    return net


def describe(net):
    parts = []
    for m in net:
        if isinstance(m, nn.Linear):
            parts.append(f"Linear({m.in_features},{m.out_features})")
        elif isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
            parts.append(f"{type(m).__name__}({m.in_channels},{m.out_channels},{m.kernel_size[0]},{m.stride[0]},{m.padding[0]})")
        elif isinstance(m, nn.Unflatten):
            parts.append(f"Unflatten{tuple(m.unflattened_size)}")
        else:
            parts.append(type(m).__name__)
    return " ".join(parts) + f"  [{sum(p.numel() for p in net.parameters())} parameters]"


def adam(params, lr, betas, impl):
    kwargs = {}
    if impl == "foreach":
        kwargs["foreach"] = True
    elif impl == "fused":
        kwargs["fused"] = True
    return torch.optim.Adam(params, lr=lr, betas=betas, **kwargs)


class AAE:
    def __init__(self, desc, adam_impl, freeze_disc, merged_disc):
        if desc.get("phases") != ["reconstruction", "discriminator", "generator"]:
            sys.exit(f"model JSON: expected the AAE's three phases, got {desc.get('phases')}")
        if desc.get("reconstruction") != "bce":
            sys.exit(f"model JSON: only the BCE reconstruction loss is supported, got {desc.get('reconstruction')}")
        nets = desc["networks"]
        if nets["encoder"].get("output") != "identity":
            sys.exit(f"model JSON: only the deterministic encoder head is supported, got {nets['encoder'].get('output')}")
        self.encoder = network(nets["encoder"], "encoder")
        self.decoder = network(nets["decoder"], "decoder")
        self.discriminator = network(nets["discriminator"], "discriminator")
        self.input_shape = tuple(nets["encoder"]["input_shape"])
        self.latent = desc["latent"]
        self.prior_std = desc["prior_std"]
        betas = (desc["beta1"], desc["beta2"])
        self.opt_ae = adam(list(self.encoder.parameters()) + list(self.decoder.parameters()),
                           desc["reconstruction_lr"], betas, adam_impl)
        self.opt_d = adam(self.discriminator.parameters(), desc["regularization_lr"], betas, adam_impl)
        self.opt_g = adam(self.encoder.parameters(), desc["regularization_lr"], betas, adam_impl)
        self.freeze_disc = freeze_disc
        self.merged_disc = merged_disc
        self.phase_seconds = [0.0, 0.0, 0.0]

    def step(self, flat):
        n = flat.shape[0]
        x = flat.view(n, *self.input_shape)
        t0 = time.perf_counter()

        # 1. reconstruction -> encoder + decoder
        logits = self.decoder(self.encoder(x)).reshape(n, -1)
        rec = F.binary_cross_entropy_with_logits(logits, flat, reduction="sum") / n
        self.opt_ae.zero_grad()
        rec.backward()
        self.opt_ae.step()
        t1 = time.perf_counter()

        # 2. discriminator -> discriminator (z_fake recomputed, no gradient into the encoder)
        with torch.no_grad():
            z_fake = self.encoder(x)
        z_prior = torch.randn(n, self.latent) * self.prior_std
        if self.merged_disc:
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


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model-json", required=True,
                   help="the model as `aelab-bench aae-epoch --spec SPEC --describe` prints it")
    p.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    p.add_argument("--batches", type=int, default=None,
                   help="time only K batches and extrapolate to the epoch (default, or 0: the whole epoch)")
    p.add_argument("--data", default=None, help="folder holding train-images-idx3-ubyte.gz "
                   "(default: $AELAB_DATA/mnist, else ../shared/datasets/mnist beside the repository)")
    p.add_argument("--warmup", type=int, default=5, help="untimed batches first (default 5)")
    p.add_argument("--adam", choices=["default", "foreach", "fused"], default="default",
                   help="torch.optim.Adam implementation (default: torch's own choice)")
    p.add_argument("--no-freeze-disc", action="store_true",
                   help="compute (and discard) the discriminator's weight gradients in phase 3")
    p.add_argument("--merged-disc", action="store_true",
                   help="run the discriminator phase's real and fake codes as one batch, as AELab does")
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args()

    with open(args.model_json) as f:
        desc = json.load(f)
    if desc.get("dataset") not in (None, "mnist"):
        sys.exit(f"model JSON: dataset {desc['dataset']!r}; this reference reads MNIST only")

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    folder = args.data or default_data_dir()
    t = time.perf_counter()
    data = load_images(folder)
    load_seconds = time.perf_counter() - t
    n = data.shape[0]
    batch = desc["batch_size"]
    batches_per_epoch = (n + batch - 1) // batch
    timed = batches_per_epoch if not args.batches else max(1, min(args.batches, batches_per_epoch))

    print(f"PyTorch conv AAE epoch: torch {torch.__version__}, Python {platform.python_version()}, "
          f"threads {torch.get_num_threads()}, mkldnn {torch.backends.mkldnn.is_available()}, "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}")
    print(f"data: {n} images from {folder} (read in {load_seconds:.2f} s); batch {batch}, "
          f"{batches_per_epoch} batches per epoch")
    model = AAE(desc, args.adam, not args.no_freeze_disc, args.merged_disc)
    print(f"model {desc.get('run', '?')} from {args.model_json}: prior N(0, {model.prior_std}^2 I) in {model.latent} "
          f"dimensions; Adam {desc['reconstruction_lr']} / {desc['regularization_lr']}, betas "
          f"({desc['beta1']}, {desc['beta2']}); discriminator phase "
          f"{'one pass of 2n codes' if args.merged_disc else 'two passes'}")
    for name in ("encoder", "decoder", "discriminator"):
        print(f"  {name}: {describe(getattr(model, name))}")

    measured, epoch, median_epoch = time_epoch(model, data, batch, batches_per_epoch, timed, args.warmup)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024   # KiB on Linux
    print(f"peak resident memory: {peak:.0f} MiB")
    print(f"pytorch_epoch_seconds_from_median_batch={median_epoch:.3f}")
    print(f"pytorch_peak_rss_mib={peak:.0f}")
    print(f"torch_version={torch.__version__}")
    print(f"pytorch_epoch_seconds={epoch:.3f}")


if __name__ == "__main__":
    main()
