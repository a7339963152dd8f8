#!/usr/bin/env python3
"""Rebuilds every network of an AELab run file (format aelab-run/2) in PyTorch from the file
alone, and checks it against outputs computed by AELab.

Usage: rebuild_torch.py RUN.h5 EXPECTED.json|EXPECTED.npz [--float32]

Each network /weights/NAME becomes a torch.nn.Sequential built from its `layers` attribute
(dense -> Linear, conv -> Conv2d, conv_transpose -> ConvTranspose2d, batch_norm -> BatchNorm1d or
BatchNorm2d, activation -> ReLU, LeakyReLU(negative_slope), ELU(alpha), Tanh, Sigmoid, Softplus or
Identity, dropout -> Dropout, reshape -> Unflatten(1, shape), flatten -> Flatten), its state dict
loaded from the datasets (LAYER/NAME -> "LAYER.NAME"), and is run in eval mode on the inputs, the
extra inputs concatenated to the flattened features before layer `extra_inputs_at`.

The expected values, per network NAME:
  JSON: {"networks": {NAME: {"input": [...], "input_shape": [n, ...], "extras": [[...], ...],
         "extra_shapes": [[n, w], ...], "output": [...], "output_shape": [n, ...]}}}
        (flat lists; written by Tests/ExperimentsTests/TorchInteropFixtureTests.swift)
  .npz: arrays NAME.input, NAME.extra0, NAME.extra1, ..., NAME.output.

The network runs in float64 (--float32: in float32, as AELab does). A network passes when
|torch - expected| <= 1e-5 * max(1, |expected|) everywhere. Prints one line per network with the
largest difference; exits 1 if any network failed or could not be rebuilt.
"""
import json
import sys

import h5py
import numpy as np
import torch

TOLERANCE = 1e-5
ACTIVATIONS = {
    "identity": lambda l: torch.nn.Identity(),
    "relu": lambda l: torch.nn.ReLU(),
    "leaky_relu": lambda l: torch.nn.LeakyReLU(negative_slope=l.get("negative_slope", 0.01)),
    "elu": lambda l: torch.nn.ELU(alpha=l.get("alpha", 1.0)),
    "tanh": lambda l: torch.nn.Tanh(),
    "sigmoid": lambda l: torch.nn.Sigmoid(),
    "softplus": lambda l: torch.nn.Softplus(),
}


def module(layer):
    """The torch module of one entry of a network's `layers`, from its constructor arguments."""
    kind = layer["kind"]
    if kind == "dense":
        return torch.nn.Linear(layer["in_features"], layer["out_features"])
    if kind == "conv":
        return torch.nn.Conv2d(layer["in_channels"], layer["out_channels"], layer["kernel_size"],
                               stride=layer["stride"], padding=layer["padding"])
    if kind == "conv_transpose":
        return torch.nn.ConvTranspose2d(layer["in_channels"], layer["out_channels"], layer["kernel_size"],
                                        stride=layer["stride"], padding=layer["padding"],
                                        output_padding=layer["output_padding"])
    if kind == "batch_norm":
        norm = torch.nn.BatchNorm2d if layer["spatial"] else torch.nn.BatchNorm1d
        return norm(layer["num_features"], eps=layer["eps"], momentum=layer["momentum"])
    if kind == "activation":
        return ACTIVATIONS[layer["function"]](layer)
    if kind == "dropout":
        return torch.nn.Dropout(layer["p"])
    if kind == "reshape":
        return torch.nn.Unflatten(1, tuple(layer["shape"]))
    if kind == "flatten":
        return torch.nn.Flatten()
    raise ValueError(f"unknown layer kind {kind!r}")


def names(text):
    return text.split(",") if text else []


def rebuild(group):
    """/weights/NAME as (Sequential in eval mode, extra_inputs_at, input_shape)."""
    layers = json.loads(group.attrs["layers"])
    net = torch.nn.Sequential(*[module(layer) for layer in layers])
    state = {}
    for entry in names(group.attrs["parameters"]) + names(group.attrs["buffers"]):
        layer, name = entry.split("/")
        state[f"{layer}.{name}"] = torch.from_numpy(group[entry][()])
    missing, unexpected = net.load_state_dict(state, strict=False)
    # AELab does not count batches: torch's num_batches_tracked is the only state it may lack.
    missing = [k for k in missing if not k.endswith("num_batches_tracked")]
    if missing or unexpected:
        raise ValueError(f"state dict: missing {missing}, unexpected {unexpected}")
    return net.eval(), int(group.attrs["extra_inputs_at"]), [int(v) for v in group.attrs["input_shape"]]


def run(net, at, x, extras):
    """The Sequential's layers in order, the extras joining the flat features before layer `at`."""
    for i, layer in enumerate(net):
        if i == at and extras:
            x = torch.cat([x.flatten(1)] + extras, dim=1)
        x = layer(x)
    return x


def expected_values(path, network_names):
    """{NAME: (input, [extras], output)} as float64 numpy arrays."""
    result = {}
    if path.endswith(".npz"):
        data = np.load(path)
        for name in network_names:
            if f"{name}.input" not in data:
                continue
            extras, i = [], 0
            while f"{name}.extra{i}" in data:
                extras.append(data[f"{name}.extra{i}"].astype(np.float64))
                i += 1
            result[name] = (data[f"{name}.input"].astype(np.float64), extras, data[f"{name}.output"].astype(np.float64))
        return result
    with open(path, encoding="utf-8") as f:
        data = json.load(f)["networks"]
    for name, e in data.items():
        shaped = lambda values, shape: np.asarray(values, dtype=np.float64).reshape(shape)
        result[name] = (shaped(e["input"], e["input_shape"]),
                        [shaped(v, s) for v, s in zip(e["extras"], e["extra_shapes"])],
                        shaped(e["output"], e["output_shape"]))
    return result


def main():
    args = [a for a in sys.argv[1:] if a != "--float32"]
    if len(args) != 2:
        sys.exit(__doc__)
    dtype = torch.float32 if "--float32" in sys.argv else torch.float64
    run_file, expected_file = args
    failures = 0
    torch.manual_seed(0)
    with h5py.File(run_file, "r") as f:
        if f.attrs.get("format") != "aelab-run/2":
            sys.exit(f"{run_file}: format {f.attrs.get('format')!r}, expected 'aelab-run/2'")
        order = names(f["/weights"].attrs["order"])
        values = expected_values(expected_file, order)
        for name in order:
            label = f"{run_file.rsplit('/', 1)[-1]} /weights/{name}"
            if name not in values:
                print(f"FAIL  {label}: no expected values in {expected_file}")
                failures += 1
                continue
            x, extras, want = values[name]
            try:
                net, at, input_shape = rebuild(f[f"/weights/{name}"])
                net = net.to(dtype)
                with torch.no_grad():
                    inp = torch.from_numpy(x).to(dtype).reshape([x.shape[0]] + input_shape)
                    got = run(net, at, inp, [torch.from_numpy(e).to(dtype) for e in extras]).double().numpy()
            except Exception as error:  # a layer torch cannot build, a state that does not fit
                print(f"FAIL  {label}: {type(error).__name__}: {error}")
                failures += 1
                continue
            if got.shape != want.shape:
                print(f"FAIL  {label}: output shape {list(got.shape)}, expected {list(want.shape)}")
                failures += 1
                continue
            diff = np.abs(got - want)
            worst = float(np.max(diff / np.maximum(1, np.abs(want)))) if diff.size else 0.0
            ok = worst <= TOLERANCE
            failures += not ok
            kinds = ",".join(dict.fromkeys(type(m).__name__ for m in net))
            print(f"{'ok    ' if ok else 'FAIL  '}{label}: max |diff| = {float(diff.max()) if diff.size else 0:.3g}"
                  f" (relative {worst:.3g}) over {want.size} outputs; {kinds}")
    print(f"{'FAILED' if failures else 'passed'}: {failures} network(s) failed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
