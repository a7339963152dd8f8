#!/usr/bin/env python3
"""Checks an AELab run file (format aelab-run/1) with h5py: every item of the layout in
docs/run-file.md (names, dtypes, shapes), and, when RUN.h5.expected.json exists next to it
(written by the Swift test InteropFixtureTests), the values.

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
    check(root.attrs.get("format") == "aelab-run/1", "/ @format == 'aelab-run/1'")
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


def check_network(f, name, want):
    g = f[f"/weights/{name}"]
    sizes = g.attrs.get("layer_sizes")
    check(isinstance(sizes, np.ndarray) and sizes.dtype == np.dtype("<i8") and sizes.ndim == 1,
          f"{g.name} @layer_sizes is int64 [n]", repr(sizes))
    for key in ["activation", "output_activation", "extra_inputs", "parameters", "buffers"]:
        is_str(g, key)
    is_scalar(g, "dropout", "<f8")
    for entry in names(g.attrs["parameters"]) + names(g.attrs["buffers"]):
        is_dataset(f, f"{g.name}/{entry}", "<f4")
    extra = sum(int(e.rsplit(":", 1)[1]) for e in names(g.attrs["extra_inputs"]))  # KIND:WIDTH items
    check(len(sizes) == 0 or extra < sizes[0], f"{g.name} extra inputs ({extra} wide) fit in layer_sizes[0]")
    linears = [e.split("/")[0] for e in names(g.attrs["parameters"]) if e.endswith("/weight") and g[e].ndim == 2]
    check(len(linears) == max(len(sizes) - 1, 0), f"{g.name} has len(layer_sizes) - 1 linear layers", str(linears))
    for i, layer in enumerate(linears[:len(sizes) - 1]):
        out_in = (int(sizes[i + 1]), int(sizes[i]))
        check(g[layer]["weight"].shape == out_in, f"{g.name}/{layer}/weight is [out, in] = {list(out_in)}",
              str(list(g[layer]["weight"].shape)))
        is_dataset(f, f"{g.name}/{layer}/bias", "<f4", shape=[out_in[0]])
    if want:
        w = next(n for n in want["networks"] if n["name"] == name)
        check(list(map(int, sizes)) == w["layer_sizes"], f"{g.name} @layer_sizes == {w['layer_sizes']}")
        for key in ["activation", "output_activation", "extra_inputs"]:
            check(g.attrs[key] == w[key], f"{g.name} @{key} == {w[key]!r}")
        check(hexbits([g.attrs["dropout"]]) == [w["dropout"]], f"{g.name} @dropout bit-exact")
        for key in ["parameters", "buffers"]:
            listed = [[e, list(g[e].shape)] for e in names(g.attrs[key])]
            check(listed == w[key], f"{g.name} @{key} order and shapes == expected", str(listed)[:80])


def rebuild_and_run(f, x):
    """docs/run-file.md's recipe in numpy: the encoder from /weights/encoder alone."""
    g = f["/weights/encoder"]
    act = {"relu": lambda v: np.maximum(v, 0), "identity": lambda v: v, "sigmoid": lambda v: 1 / (1 + np.exp(-v))}
    linears = [e.split("/")[0] for e in names(g.attrs["parameters"]) if e.endswith("/weight") and g[e].ndim == 2]
    for i, layer in enumerate(linears):
        x = x @ g[layer]["weight"][()].T.astype(np.float64) + g[layer]["bias"][()]
        x = act[g.attrs["activation"] if i < len(linears) - 1 else g.attrs["output_activation"]](x)
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
        x = np.array(e["input"], dtype=np.float32).reshape(e["input_shape"])
        y = rebuild_and_run(f, x.astype(np.float64))
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
