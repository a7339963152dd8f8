#!/usr/bin/env python3
"""Checks an AELab run file (format aelab-run/2) with h5py: every item of the layout in
docs/run-file.md (names, dtypes, shapes; each network's layer list against its tensors), and,
when RUN.h5.expected.json exists next to it (written by the Swift test InteropFixtureTests), the
values.

Usage: check_run_file.py RUN.h5        Prints one line per check; exits 1 if any failed.
"""
import json
import os
import sys

import h5py
import numpy as np

FAILURES = []


def check(ok, what, detail=""):
    print(("ok    " if ok else "FAIL  ") + what + (f": {detail}" if detail else ""))
    if not ok:
        FAILURES.append(what)
    return ok


def names(text):
    """A comma-joined list attribute ("" is the empty list)."""
    return text.split(",") if text else []


def hexbits(values):
    return [format(int(v), "x") for v in np.asarray(values, dtype="<f8").reshape(-1).view("<u8")]


def is_str(obj, key):
    return check(key in obj.attrs and isinstance(obj.attrs[key], str), f"{obj.name} @{key} is str",
                 repr(obj.attrs.get(key))[:60])


def is_scalar(obj, key, dtype):
    value = obj.attrs.get(key)
    ok = value is not None and np.ndim(value) == 0 and np.asarray(value).dtype == np.dtype(dtype)
    return check(ok, f"{obj.name} @{key} is {dtype} scalar", "" if ok else repr(value))


def is_dataset(f, path, dtype, ndim=None, shape=None):
    obj = f.get(path)
    ok = isinstance(obj, h5py.Dataset) and obj.dtype == np.dtype(dtype)
    ok = ok and (ndim is None or obj.ndim == ndim) and (shape is None or obj.shape == tuple(shape))
    found = f"{obj.dtype} {list(obj.shape)}" if isinstance(obj, h5py.Dataset) else ("missing" if obj is None else "a group")
    want = f"{dtype}" + (f" {list(shape)}" if shape is not None else f" rank {ndim}" if ndim is not None else "")
    return check(ok, f"{path} is {want}", found)


def is_group(f, path):
    return check(isinstance(f.get(path), h5py.Group), f"{path} is a group")


def check_root(f, want):
    root = f["/"]
    for key in ["format", "experiment", "run_id", "model", "dataset", "status", "failure", "spec",
                "started", "finished", "aelab_version", "blas_cores"]:
        is_str(root, key)
    for key in ["latent_dim", "seed"]:
        is_scalar(root, key, "<i8")
    is_scalar(root, "dropout", "<f8")
    check(root.attrs.get("format") == "aelab-run/2", "/ @format == 'aelab-run/2'")
    check(root.attrs.get("status") in ("complete", "failed", "running"), "/ @status is complete|failed|running")
    if want:
        for key, value in want["attributes"].items():
            found = root.attrs.get(key)
            if key == "dropout":
                found = hexbits([found])[0]
            check(found == value, f"/ @{key} == expected", "" if found == value else f"{found!r} != {value!r}")


def check_metrics(f, want):
    for part in ["train", "validation"]:
        if not is_group(f, f"/metrics/{part}"):
            continue
        for name in f[f"/metrics/{part}"]:
            path = f"/metrics/{part}/{name}"
            if is_dataset(f, path, "<f8", ndim=1) and want:
                check(hexbits(f[path][()]) == want["metrics"][part].get(name), f"{path} values bit-exact")
        if want:
            check(sorted(f[f"/metrics/{part}"]) == sorted(want["metrics"][part]), f"/metrics/{part} members")


def check_eval(f, want):
    if not is_group(f, "/eval"):
        return
    if "parzen" in f["/eval"]:
        g = f["/eval/parzen"]
        for key in ["log_likelihood", "standard_error", "sigma"]:
            is_scalar(g, key, "<f8")
        for key in ["generated_samples", "test_points"]:
            is_scalar(g, key, "<i8")
        for key in ["sigma_grid", "sigma_validation_ll", "test_ll"]:
            is_dataset(f, f"/eval/parzen/{key}", "<f8", ndim=1)
        check(g["sigma_grid"].shape == g["sigma_validation_ll"].shape, "/eval/parzen sigma_grid and sigma_validation_ll match")
        check(g["test_ll"].shape[0] == g.attrs["test_points"], "/eval/parzen test_ll has test_points entries")
        if want:
            p = want["parzen"]
            for key in ["log_likelihood", "standard_error", "sigma"]:
                check(hexbits([g.attrs[key]]) == [p[key]], f"/eval/parzen @{key} bit-exact")
            for key in ["generated_samples", "test_points"]:
                check(int(g.attrs[key]) == p[key], f"/eval/parzen @{key} == {p[key]}")
            for key in ["sigma_grid", "sigma_validation_ll", "test_ll"]:
                check(hexbits(g[key][()]) == p[key], f"/eval/parzen/{key} bit-exact")
    for name in f["/eval"]:
        if name == "parzen":
            continue
        g = f[f"/eval/{name}"]
        for key in g.attrs:
            is_scalar(g, key, "<f8")
        if want:
            found = {k: hexbits([v])[0] for k, v in g.attrs.items()}
            check(found == want["evaluations"].get(name), f"/eval/{name} attributes == expected")


OUTPUTS = ("identity", "sigmoid", "gaussian_mean_logvar")
FUNCTIONS = ("identity", "relu", "leaky_relu", "elu", "tanh", "sigmoid", "softplus")


def is_ints(obj, key):
    value = obj.attrs.get(key)
    ok = isinstance(value, np.ndarray) and value.dtype == np.dtype("<i8") and value.ndim == 1
    check(ok, f"{obj.name} @{key} is int64 [n]", "" if ok else repr(value))
    return [int(v) for v in value] if ok else None


def layer_shapes(layers, input_shape, extra, at):
    """Walks the layer list: per layer, its input shape and the tensors it must have
    ({"I/weight": shape}, parameters then buffers), torch's layouts; the output shape last.
    Raises ValueError naming the first layer that does not fit."""
    shape, params, buffers, inputs = list(input_shape), {}, {}, []
    for i, layer in enumerate(layers):
        kind = layer["kind"]
        if i == at and extra:
            shape = [int(np.prod(shape)) + extra]
        inputs.append(shape)

        def need(cond, what):
            if not cond:
                raise ValueError(f"layer {i} ({kind}): {what}, input {shape}")
        if kind == "dense":
            need(len(shape) == 1 and shape[0] == layer["in_features"], f"in_features {layer['in_features']}")
            params.update({f"{i}/weight": [layer["out_features"], shape[0]], f"{i}/bias": [layer["out_features"]]})
            shape = [layer["out_features"]]
        elif kind in ("conv", "conv_transpose"):
            need(len(shape) == 3 and shape[0] == layer["in_channels"], f"in_channels {layer['in_channels']}")
            c, k, s, p = layer["out_channels"], layer["kernel_size"], layer["stride"], layer["padding"]
            if kind == "conv":
                params[f"{i}/weight"] = [c, shape[0], k, k]
                hw = [(n + 2 * p - k) // s + 1 for n in shape[1:]]
            else:
                params[f"{i}/weight"] = [shape[0], c, k, k]
                hw = [(n - 1) * s - 2 * p + k + layer["output_padding"] for n in shape[1:]]
            params[f"{i}/bias"] = [c]
            shape = [c] + hw
        elif kind == "batch_norm":
            need(len(shape) == (3 if layer["spatial"] else 1) and shape[0] == layer["num_features"],
                 f"num_features {layer['num_features']}, spatial {layer['spatial']}")
            n = layer["num_features"]
            params.update({f"{i}/weight": [n], f"{i}/bias": [n]})
            buffers.update({f"{i}/running_mean": [n], f"{i}/running_var": [n]})
        elif kind == "activation":
            need(layer["function"] in FUNCTIONS, f"function {layer['function']!r}")
        elif kind == "dropout":
            need(0 <= layer["p"] < 1, f"p {layer['p']}")
        elif kind == "reshape":
            need(int(np.prod(layer["shape"])) == int(np.prod(shape)), f"shape {layer['shape']}")
            shape = list(layer["shape"])
        elif kind == "flatten":
            shape = [int(np.prod(shape))]
        else:
            need(False, "unknown kind")
    return inputs, shape, params, buffers


def check_network(f, name, want):
    g = f[f"/weights/{name}"]
    for key in ["layers", "extra_inputs", "output", "parameters", "buffers"]:
        is_str(g, key)
    input_shape, output_shape = is_ints(g, "input_shape"), is_ints(g, "output_shape")
    is_scalar(g, "extra_inputs_at", "<i8")
    check(g.attrs.get("output") in OUTPUTS, f"{g.name} @output is one of {'|'.join(OUTPUTS)}", repr(g.attrs.get("output")))
    for entry in names(g.attrs["parameters"]) + names(g.attrs["buffers"]):
        is_dataset(f, f"{g.name}/{entry}", "<f4")
    try:
        layers = json.loads(g.attrs["layers"])
        ok = isinstance(layers, list) and all(isinstance(l, dict) and isinstance(l.get("kind"), str) for l in layers)
    except ValueError as error:
        layers, ok = None, False
    if not check(ok, f"{g.name} @layers is a JSON array of objects with a kind", str(g.attrs["layers"])[:60]):
        return
    extras = names(g.attrs["extra_inputs"])
    extra = sum(int(e.rsplit(":", 1)[1]) for e in extras)  # KIND:WIDTH items
    at = int(g.attrs["extra_inputs_at"])
    check(at in range(len(layers)) if extras else at == -1,
          f"{g.name} @extra_inputs_at is a layer index with extra inputs, -1 without", str(at))
    if input_shape is None or output_shape is None:
        return
    try:
        _, shape, params, buffers = layer_shapes(layers, input_shape, extra, at)
    except (ValueError, KeyError, TypeError) as error:
        check(False, f"{g.name} layers fit @input_shape {input_shape}", f"{type(error).__name__}: {error}")
        return
    check(shape == output_shape, f"{g.name} layers take @input_shape {input_shape} to @output_shape {output_shape}", str(shape))
    for key, expected in (("parameters", params), ("buffers", buffers)):
        listed = [[e, list(g[e].shape)] for e in names(g.attrs[key]) if e in g]
        check(listed == [[e, s] for e, s in expected.items()],
              f"{g.name} @{key}: the layers' tensors in order, torch's shapes", str(listed)[:100])
    if want:
        w = next(n for n in want["networks"] if n["name"] == name)
        for key in ["layers", "extra_inputs", "output"]:
            check(g.attrs[key] == w[key], f"{g.name} @{key} == expected", "" if g.attrs[key] == w[key] else str(w[key])[:60])
        for key in ["input_shape", "output_shape"]:
            check(list(map(int, g.attrs[key])) == w[key], f"{g.name} @{key} == {w[key]}")
        check(at == w["extra_inputs_at"], f"{g.name} @extra_inputs_at == {w['extra_inputs_at']}")
        for key in ["parameters", "buffers"]:
            listed = [[e, list(g[e].shape)] for e in names(g.attrs[key])]
            check(listed == w[key], f"{g.name} @{key} order and shapes == expected", str(listed)[:80])


ACTIVATIONS = {
    "identity": lambda v, l: v, "relu": lambda v, l: np.maximum(v, 0),
    "leaky_relu": lambda v, l: np.where(v > 0, v, v * l.get("negative_slope", 0.01)),
    "elu": lambda v, l: np.where(v > 0, v, l.get("alpha", 1.0) * np.expm1(np.minimum(v, 0))),
    "tanh": lambda v, l: np.tanh(v), "sigmoid": lambda v, l: 1 / (1 + np.exp(-v)),
    "softplus": lambda v, l: np.logaddexp(0, v),
}


def rebuild_and_run(f, name, x, extras):
    """The network /weights/NAME rebuilt from its group alone and run in evaluation, in numpy
    (float64): x [batch, *input_shape], extras [batch, width] each, joined at extra_inputs_at.
    Dense layers, batch norm, activations, dropout, reshape and flatten (no convolutions)."""
    g = f[f"/weights/{name}"]
    layers, at = json.loads(g.attrs["layers"]), int(g.attrs["extra_inputs_at"])
    t = lambda i, key: g[f"{i}/{key}"][()].astype(np.float64)
    n = x.shape[0]
    for i, layer in enumerate(layers):
        if i == at and extras:
            x = np.concatenate([x.reshape(n, -1)] + list(extras), axis=1)
        kind = layer["kind"]
        if kind == "dense":
            x = x @ t(i, "weight").T + t(i, "bias")
        elif kind == "batch_norm":
            view = (1, -1, 1, 1) if layer["spatial"] else (1, -1)
            scale = t(i, "weight") / np.sqrt(t(i, "running_var") + layer["eps"])
            x = (x - t(i, "running_mean").reshape(view)) * scale.reshape(view) + t(i, "bias").reshape(view)
        elif kind == "activation":
            x = ACTIVATIONS[layer["function"]](x, layer)
        elif kind == "dropout":
            pass
        elif kind == "reshape":
            x = x.reshape([n] + layer["shape"])
        elif kind == "flatten":
            x = x.reshape(n, -1)
        else:
            raise NotImplementedError(f"layer {i}: {kind}")
    return x


def check_weights(f, want):
    if not is_group(f, "/weights"):
        return
    is_str(f["/weights"], "order")
    order = names(f["/weights"].attrs["order"])
    if want:
        check(order == [n["name"] for n in want["networks"]], f"/weights @order == expected", str(order))
    for name in order:
        if is_group(f, f"/weights/{name}"):
            check_network(f, name, want)
    if want and "encoder" in order:
        e = want["encoder_forward"]
        x = np.array(e["input"], dtype=np.float32).reshape(e["input_shape"]).astype(np.float64)
        extras = [np.array(v, dtype=np.float64).reshape(s) for v, s in zip(e["extra_inputs"], e["extra_shapes"])]
        y = rebuild_and_run(f, "encoder", x, extras)
        expected = np.array(e["output"]).reshape(e["output_shape"])
        check(np.allclose(y, expected, rtol=1e-5, atol=1e-5), "encoder rebuilt from /weights/encoder gives Swift's output",
              f"max |diff| = {np.max(np.abs(y - expected)):.3g}")


def check_samples(f, want):
    if "samples" in f:
        is_dataset(f, "/samples/generated", "<f4", ndim=2, shape=want["samples_shape"] if want else None)


def check_checkpoint(f, want):
    if "checkpoint" not in f:
        return
    c = f["/checkpoint"]
    is_scalar(c, "epoch", "<i8")
    is_group(f, "/checkpoint/optimizers")
    is_str(c["optimizers"], "order")
    phases = names(c["optimizers"].attrs["order"])
    for phase in phases:
        g = c["optimizers"][phase]
        is_scalar(g, "step", "<i8")
        is_str(g, "slots")
        for slot in names(g.attrs["slots"]):
            count = sum(1 for m in g if m.rsplit("_", 1)[0] == slot)
            for i in range(count):
                is_dataset(f, f"{g.name}/{slot}_{i}", "<f4")
            if want:
                w = next(o for o in want["checkpoint"]["optimizers"] if o["phase"] == phase)
                shapes = [list(g[f"{slot}_{i}"].shape) for i in range(count)]
                check(shapes == w["slots"][slot], f"{g.name} slot {slot}: {count} tensors, shapes as expected")
        if want:
            w = next(o for o in want["checkpoint"]["optimizers"] if o["phase"] == phase)
            check(int(g.attrs["step"]) == w["step"], f"{g.name} @step == {w['step']}")
    is_group(f, "/checkpoint/random")
    for name in c["random"]:
        if is_dataset(f, f"/checkpoint/random/{name}", "<u8", shape=[4]) and want:
            found = [str(int(v)) for v in c["random"][name][()]]
            check(found == want["checkpoint"]["random"][name], f"/checkpoint/random/{name} == expected")
    is_group(f, "/checkpoint/extra")
    is_str(c["extra"], "order")
    for entry in names(c["extra"].attrs["order"]):
        is_dataset(f, f"/checkpoint/extra/{entry}", "<f4")
    if want:
        w = want["checkpoint"]
        check(int(c.attrs["epoch"]) == w["epoch"], f"/checkpoint @epoch == {w['epoch']}")
        check(phases == [o["phase"] for o in w["optimizers"]], "/checkpoint/optimizers @order == expected", str(phases))
        listed = [[e, list(c["extra"][e].shape)] for e in names(c["extra"].attrs["order"])]
        check(listed == w["extra"], "/checkpoint/extra @order and shapes == expected", str(listed))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    sidecar = path + ".expected.json"
    want = json.load(open(sidecar, encoding="utf-8")) if os.path.exists(sidecar) else None
    print(f"checking {path} with h5py {h5py.__version__} (HDF5 {h5py.version.hdf5_version}), numpy {np.__version__}"
          + ("" if want else "; no expected values: layout only"))
    with h5py.File(path, "r") as f:
        check_root(f, want)
        for part in ["metrics", "eval", "weights", "samples", "checkpoint"]:
            try:
                globals()[f"check_{part}"](f, want)
            except Exception as error:  # a missing item that a check above already reported, or worse
                check(False, f"/{part} readable", f"{type(error).__name__}: {error}")
    print(f"{'FAILED' if FAILURES else 'passed'}: {len(FAILURES)} failure(s)")
    sys.exit(1 if FAILURES else 0)


if __name__ == "__main__":
    main()
