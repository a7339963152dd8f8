#!/usr/bin/env python3
"""Decodes every PNG under FOLDER with Python's own zlib and struct (a decoder independent of
AELab's encoder) and compares it with the image grid it should show.

Beside each NAME.png the Swift fixture test writes NAME.png.grid.json (tile side, gap,
background, layout: rows of source-row indices or null) and NAME.png.source.f32 (the source
tensor [rows, columns], float32 little-endian). This script tiles the source itself — pixel =
round(255 * clamp(x, 0, 1)) with halves rounded up — and requires the decoded PNG to match in
size and in every pixel. A PNG without these files is a failure, except screenshots
(*screenshot*.png, as scripts/report-screenshot writes), which are skipped.

Usage: check_png.py FOLDER        prints one OK/FAIL line per file; exit status 1 on any failure.
"""
import json
import math
import struct
import sys
import zlib
from pathlib import Path

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 4: 2, 6: 4}


def decode(data):
    """Returns (width, height, channels, rows of bytes) of an 8-bit, non-interlaced PNG."""
    if not data.startswith(SIGNATURE):
        raise ValueError("no PNG signature")
    pos, header, idat, ended = len(SIGNATURE), None, b"", False
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        if zlib.crc32(kind + body) & 0xFFFFFFFF != crc:
            raise ValueError(f"bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            ended = True
            pos += 12 + length
            break
        pos += 12 + length
    if header is None or not ended or pos != len(data):
        raise ValueError("missing IHDR or IEND, or bytes after IEND")
    width, height, depth, colour, compression, filtering, interlace = header
    if depth != 8 or colour not in CHANNELS or compression or filtering or interlace:
        raise ValueError(f"unsupported header {header}")
    channels = CHANNELS[colour]
    raw = zlib.decompress(idat)
    stride = width * channels
    if len(raw) != height * (stride + 1):
        raise ValueError(f"{len(raw)} bytes of scanlines, expected {height * (stride + 1)}")
    rows, previous = [], bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        unfilter(kind, line, previous, channels)
        rows.append(line)
        previous = line
    return width, height, channels, rows


def unfilter(kind, line, previous, bpp):
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = previous[i]
        c = previous[i - bpp] if i >= bpp else 0
        if kind == 0:
            continue
        elif kind == 1:
            line[i] = (line[i] + a) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + b) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + (a + b) // 2) & 0xFF
        elif kind == 4:
            p = a + b - c
            pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
            line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        else:
            raise ValueError(f"unknown filter type {kind}")


def expected_grid(grid, source):
    side, gap, background, layout = grid["side"], grid["gap"], grid["background"], grid["layout"]
    columns = max(len(row) for row in layout)
    width, height = columns * side + (columns - 1) * gap, len(layout) * side + (len(layout) - 1) * gap
    pixels = [bytearray([background]) * width for _ in range(height)]
    for r, row in enumerate(layout):
        for c, index in enumerate(row):
            if index is None:
                continue
            for y in range(side):
                for x in range(side):
                    v = source[index * grid["columns"] + y * side + x]
                    v = 0.0 if math.isnan(v) else min(max(v, 0.0), 1.0)
                    pixels[r * (side + gap) + y][c * (side + gap) + x] = int(math.floor(255 * v + 0.5))
    return width, height, pixels


def check(path):
    grid_file, source_file = Path(str(path) + ".grid.json"), Path(str(path) + ".source.f32")
    if not grid_file.exists() or not source_file.exists():
        return f"no {grid_file.name} / {source_file.name} beside it"
    width, height, channels, rows = decode(path.read_bytes())
    grid = json.loads(grid_file.read_text())
    blob = source_file.read_bytes()
    if len(blob) != 4 * grid["rows"] * grid["columns"]:
        return f"source has {len(blob)} bytes, expected {4 * grid['rows'] * grid['columns']}"
    source = struct.unpack(f"<{len(blob) // 4}f", blob)
    ew, eh, expected = expected_grid(grid, source)
    if channels != 1:
        return f"{channels} channels, expected greyscale"
    if (width, height) != (ew, eh):
        return f"size {width}x{height}, expected {ew}x{eh}"
    wrong = sum(a != b for row, want in zip(rows, expected) for a, b in zip(row, want))
    if wrong:
        return f"{wrong} of {width * height} pixels differ"
    return None


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__.strip().splitlines()[-1])
    files = sorted(p for p in Path(sys.argv[1]).rglob("*.png") if "screenshot" not in p.name)
    if not files:
        print(f"FAIL no PNG files under {sys.argv[1]}")
        sys.exit(1)
    failures = 0
    for path in files:
        try:
            problem = check(path)
        except Exception as error:  # a corrupt file is a failure, not a crash
            problem = f"cannot decode: {error}"
        failures += problem is not None
        print(f"FAIL {path}: {problem}" if problem else f"OK   {path}")
    print(f"{len(files) - failures} of {len(files)} PNG files match their source tensors")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
