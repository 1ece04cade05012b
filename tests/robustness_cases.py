#!/usr/bin/env python3
# robustness_cases.py — writes the bad inputs tests/test_robustness.sh feeds
# to digitpad: a small valid model (good.safetensors) and copies of it
# corrupted in every section, a tiny valid IDX set and broken variants of it.
# Standard library only.
"""usage: robustness_cases.py OUTDIR"""
import gzip
import json
import math
import os
import struct
import sys
import zlib


def split(blob):
    """(header dict, data bytes) of a safetensors file."""
    (hl,) = struct.unpack_from("<Q", blob, 0)
    return json.loads(blob[8:8 + hl]), blob[8 + hl:]


def build(header, data, pad=True):
    """A safetensors file; the header padded to 8 bytes as digitpad writes it."""
    text = json.dumps(header, separators=(",", ":")).encode()
    if pad:
        text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def build_raw(text, data):
    """A safetensors file from header text as it is (padded to 8 bytes)."""
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def tensor_names(header):
    return sorted((k for k in header if k != "__metadata__"),
                  key=lambda k: header[k]["data_offsets"][0])


def put(outdir, name, blob):
    with open(os.path.join(outdir, name), "wb") as f:
        f.write(blob)


def small_model():
    """A valid digitpad model built here, so no expected message depends on
    the shipped model (which is retrained now and then): arch fc10,sigmoid,
    tensors 0.weight [10,784] and 0.bias [10], deterministic finite F32
    values.  See docs/model-format.md."""
    weight = [((i * 7919) % 2001 - 1000) / 20000.0 for i in range(10 * 784)]
    bias = [(j - 5) / 10.0 for j in range(10)]
    nw = 4 * len(weight)
    header = {
        "__metadata__": {"format": "digitpad", "format_version": "1",
                         "arch": "fc10,sigmoid", "loss": "bce"},
        "0.weight": {"dtype": "F32", "shape": [10, 784], "data_offsets": [0, nw]},
        "0.bias": {"dtype": "F32", "shape": [10], "data_offsets": [nw, nw + 4 * len(bias)]},
    }
    data = struct.pack("<%df" % len(weight), *weight) + struct.pack("<%df" % len(bias), *bias)
    return build(header, data)


def wide_model():
    """Row 3 of issue 18: a small file (377 KB) whose activations are huge:
    conv1024k1, 19 ReLUs, 3 pools, fc10, sigmoid; about 16 M floats (64 MB)
    of activations a sample, just under the per-sample limit."""
    arch = ",".join(["conv1024k1"] + ["relu"] * 19 + ["pool"] * 3 + ["fc10", "sigmoid"])
    fc = 1 + 19 + 3 + 1  # the flatten digitpad inserts before fc10
    parts = [("0.weight", [1024, 1, 1, 1], [((i * 37) % 17 - 8) / 10.0 for i in range(1024)]),
             ("0.bias", [1024], [0.0] * 1024),
             ("%d.weight" % fc, [10, 9216], [((i * 7919) % 2001 - 1000) / 2e6 for i in range(92160)]),
             ("%d.bias" % fc, [10], [0.0] * 10)]
    return model_of(arch, parts)


def model_of(arch, parts):
    """A model file of arch from (name, shape, values) tensors, in order."""
    header = {"__metadata__": {"format": "digitpad", "format_version": "1", "arch": arch,
                               "loss": "bce"}}
    data = b""
    for name, shape, values in parts:
        header[name] = {"dtype": "F32", "shape": shape,
                        "data_offsets": [len(data), len(data) + 4 * len(values)]}
        data += struct.pack("<%df" % len(values), *values)
    return build(header, data)


def nan_out_model():
    """Issue 26 row 7: every weight finite, but the outputs NaN for any
    image with ink: arch fc10,relu,fc10,sigmoid, 0.weight all 3e38 (any ink
    sums to +inf, in whatever order a kernel adds), 2.weight alternately +1
    and -1 (inf - inf), biases 0.  A blank image still gives finite outputs."""
    parts = [("0.weight", [10, 784], [3e38] * 7840), ("0.bias", [10], [0.0] * 10),
             ("2.weight", [10, 10], [1.0 if i % 2 == 0 else -1.0 for i in range(100)]),
             ("2.bias", [10], [0.0] * 10)]
    return model_of("fc10,relu,fc10,sigmoid", parts)


def models(outdir):
    put(outdir, "wide.safetensors", wide_model())
    good = small_model()
    put(outdir, "good.safetensors", good)
    header, data = split(good)
    hl = struct.unpack_from("<Q", good, 0)[0]
    names = tensor_names(header)
    first, last = names[0], names[-1]

    def variant(edit, d=data):
        h = json.loads(json.dumps(header))
        edit(h)
        return build(h, d)

    # Row 6 of issue 18: metadata that would drive a terminal (clear the
    # screen, set the title, fake a line) if printed raw.
    def escapes(h):
        h["__metadata__"]["dataset"] = "\u001b[2J\r\nfake line"
        h["__metadata__"]["test_accuracy"] = "\u001b]0;pwned\u0007\u009b1m"
    put(outdir, "escapes.safetensors", variant(escapes))

    # Row 7: headers that are valid JSON to a lenient parser but not I-JSON
    # (RFC 7493).  Edited as text: json.dumps cannot write these.
    text = good[8:8 + hl].rstrip(b" ")

    def raw(edited):
        return build_raw(edited, data)
    put(outdir, "dup-shape.safetensors",
        raw(text.replace(b'"shape":[10,784],', b'"shape":[10,784],"shape":[10,784],', 1)))
    put(outdir, "nul-key.safetensors",
        raw(text.replace(b'"loss":"bce"', b'"loss":"bce","a\\u0000b":"x"', 1)))
    put(outdir, "nul-version.safetensors",
        raw(text.replace(b'"format_version":"1"', b'"format_version":"1\\u0000junk"', 1)))
    put(outdir, "surrogate.safetensors",
        raw(text.replace(b'"loss":"bce"', b'"loss":"bce","note":"\\ud800"', 1)))
    put(outdir, "latin1.safetensors",
        raw(text.replace(b'"loss":"bce"', b'"loss":"bce","note":"caf\xe9"', 1)))

    # Row 11: thresholds the window and the command line once read apart.
    for tag, value in (("th-one", "1"), ("th-junk", "0.3abc"), ("th-nan", "nan")):
        def threshold(h, value=value):
            h["__metadata__"]["threshold"] = value
        put(outdir, tag + ".safetensors", variant(threshold))

    put(outdir, "empty.safetensors", b"")
    put(outdir, "cut-length.safetensors", good[:5])                 # inside the length prefix
    put(outdir, "cut-header.safetensors", good[:8 + hl // 2])       # inside the JSON header
    put(outdir, "cut-data.safetensors", good[:8 + hl + len(data) // 2])  # inside tensor data
    put(outdir, "long-header.safetensors",
        struct.pack("<Q", 2 * len(good)) + good[8:])                 # header length > file
    bad = bytearray(good)
    bad[good.index(b":", 8)] = ord("=")                              # {"__metadata__"={...
    put(outdir, "bad-json.safetensors", bytes(bad))

    def dtype(h):
        h[first]["dtype"] = "F16"
    put(outdir, "dtype.safetensors", variant(dtype))

    def shape(h):  # same number of values, shape of another architecture
        s = h[first]["shape"]
        h[first]["shape"] = [s[0] // 2, s[1] * 2] + s[2:]
    put(outdir, "shape.safetensors", variant(shape))

    def overlap(h):  # the second tensor starts inside the first
        a, b = h[names[1]]["data_offsets"]
        h[names[1]]["data_offsets"] = [a - 4, b - 4]
    put(outdir, "overlap.safetensors", variant(overlap))

    def out_of_range(h):
        a, b = h[last]["data_offsets"]
        h[last]["data_offsets"] = [a + 4096, b + 4096]
    put(outdir, "offsets-range.safetensors", variant(out_of_range))

    put(outdir, "nan-out.safetensors", nan_out_model())

    for tag, value in (("nan", math.nan), ("inf", math.inf)):
        d = bytearray(data)
        off = header[last]["data_offsets"][0] + 8
        struct.pack_into("<f", d, off, value)
        put(outdir, tag + ".safetensors", build(header, bytes(d)))

    # The header claims 2 GB for one tensor; the file holds none of it.
    def huge(h):
        h[last]["shape"] = [536870912]
        a = h[last]["data_offsets"][0]
        h[last]["data_offsets"] = [a, a + 2147483648]
    put(outdir, "2gb.safetensors", variant(huge))

    def version(h):
        h["__metadata__"]["format_version"] = "99"
    put(outdir, "version.safetensors", variant(version))

    def arch_bad(h):
        h["__metadata__"]["arch"] = "conv32k5,relu,wobble,fc10,sigmoid"
    put(outdir, "arch-bad.safetensors", variant(arch_bad))

    # a billion-parameter architecture (4 GB of floats) with no tensors
    put(outdir, "arch-huge.safetensors", build(
        {"__metadata__": dict(header["__metadata__"], arch="fc1000000,relu,fc1000,relu,fc10,sigmoid")},
        b""))


def png_chunk(kind, data):
    return (struct.pack(">I", len(data)) + kind + data +
            struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff))


def png(width, height, rows=None):
    """An 8-bit grey PNG; rows (an iterable of row bytes) else one byte of
    image data: a file that declares the size and holds almost nothing."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    if rows is None:
        idat = zlib.compress(b"\0")
    else:
        z = zlib.compressobj(9)
        idat = b"".join(z.compress(b"\0" + r) for r in rows) + z.flush()
    return (b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", ihdr) + png_chunk(b"IDAT", idat) +
            png_chunk(b"IEND", b""))


def jpeg_declaring(width, height, size=1024):
    """A baseline JPEG's markers (SOI, APP0 JFIF, DQT, SOF0, DHT, SOS) around
    a frame header that declares width x height, padded to size bytes of
    scan data: the 1 KB file of issue 26 row 1.  Never decoded."""
    def seg(marker, payload):
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload
    out = b"\xff\xd8"
    out += seg(0xE0, b"JFIF\0\x01\x01\0\0\x01\0\x01\0\0")
    out += seg(0xDB, b"\0" + bytes(range(1, 65)))
    out += seg(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
    out += seg(0xC4, b"\x00" + bytes([1] + [0] * 15) + b"\x00")
    out += seg(0xDA, b"\x01\x01\x00\x00\x3f\x00")
    out += b"\x55" * max(0, size - len(out) - 2) + b"\xff\xd9"
    return out


def images(outdir):
    """Issue 26 rows 1-3: images whose headers declare huge sizes."""
    put(outdir, "huge.jpg", jpeg_declaring(65500, 65500))
    put(outdir, "huge.png", png(60000, 60000))
    side = 20000
    row = bytes(side)
    put(outdir, "black.png", png(side, side, (row for _ in range(side))))
    put(outdir, "notes.txt", b"shopping list\n")


def be32(*values):
    return b"".join(struct.pack(">I", v) for v in values)


def digit_band(d):
    """784 bytes: a bright cross of two rows and two columns whose place
    says the digit d, on faint texture: images a model learns in one epoch
    of 200 (--seed 1-7: 50-80% on the 20 test images)."""
    at = 4 + 2 * d
    return bytes(255 if at <= i // 28 < at + 2 or at <= i % 28 < at + 2 else (i * 7) % 32
                 for i in range(784))


def idx_set(outdir, n_test, images_magic=2051, images_count=None, cut_images=0, n_train=200,
            kind="pattern"):
    """train (n_train) and t10k (n_test) images and labels, deterministic.
    kind "pattern": a pixel pattern unrelated to the labels i % 10;
    "learnable": each image shows its label as a band (digit_band);
    "blank-test": learnable training images, but every test image blank,
    so any model scores exactly 10% (labels i % 10)."""
    os.makedirs(outdir, exist_ok=True)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        if kind == "learnable" or (kind == "blank-test" and prefix == "train"):
            pix = b"".join(digit_band(i % 10) for i in range(n))
        elif kind == "blank-test":
            pix = bytes(n * 784)
        else:
            pix = bytes((i * 37 + (i // 784) * 11) % 256 for i in range(n * 784))
        magic, count = 2051, n
        if prefix == "t10k":
            magic, count = images_magic, images_count or n
            if cut_images:
                pix = pix[:-cut_images * 784]
        put(outdir, prefix + "-images-idx3-ubyte", be32(magic, count, 28, 28) + pix)
        put(outdir, prefix + "-labels-idx1-ubyte", be32(2049, n) + bytes(i % 10 for i in range(n)))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    models(outdir)
    images(outdir)
    # good inputs for the cases that break something else
    put(outdir, "good.strokes", b"7 a | 300,200 700,200 450,800\n")
    put(outdir, "good.pgm", b"P5\n28 28\n255\n" + bytes(
        255 if 6 <= x <= 21 and (y == 6 or x == 21 - (y - 6) // 2) else 0
        for y in range(28) for x in range(28)))
    # learnable, so a --train on it passes the 20% a run must reach
    idx_set(os.path.join(outdir, "mnist"), 20, kind="learnable")
    # issue 26: a run that ends at chance (10% on blank test images)
    idx_set(os.path.join(outdir, "chance"), 20, kind="blank-test")
    # 2000 training images: row 1 of issue 18 (--limit 2000 --batch 500)
    idx_set(os.path.join(outdir, "mnist2k"), 20, n_train=2000)
    # Row 8 of issue 18: gzip IDX files whose trailer is cut, whose CRC32
    # is wrong, or with bytes after the stream.
    for tag in ("gz-cut", "gz-crc", "gz-junk"):
        d = os.path.join(outdir, tag)
        idx_set(d, 20)
        name = os.path.join(d, "t10k-images-idx3-ubyte")
        with open(name, "rb") as f:
            z = bytearray(gzip.compress(f.read(), mtime=0))
        os.remove(name)
        if tag == "gz-cut":
            z = z[:-4]                    # half the trailer: the length is gone
        elif tag == "gz-crc":
            z[-8] ^= 1                    # the CRC32's first byte
        else:
            z += b"not part of the stream"
        put(d, "t10k-images-idx3-ubyte.gz", bytes(z))
    idx_set(os.path.join(outdir, "idx-magic"), 20, images_magic=2049)
    idx_set(os.path.join(outdir, "idx-count"), 20, images_count=20, cut_images=5)


if __name__ == "__main__":
    main()
