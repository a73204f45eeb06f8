"""Writes cs-enrich's technique model file (read by Sources/CSEnrich/Model/TechniqueModelFile.swift).

All numbers little-endian:
  magic "CSTMODEL", u32 format version (1)
  u32 length + ATT&CK version (UTF-8)
  u32 buckets (a power of two), u32 longest n-gram (2), u64 pair multiplier, u32 bucket mix shift
  f32 calibration slope a, f32 calibration offset b  (probability = 1 / (1 + exp(-(a * score + b))))
  f32 threshold (probability), f32 weight scale (weight = i16 * scale)
  u32 class count; per class: u8 length + technique ID
  f32 intercept per class
  u32 offsets[buckets + 1]: bucket k's weights are entries offsets[k] ..< offsets[k + 1]
  u16 class index per entry, then i16 quantized weight per entry
  SHA-256 of every byte before it (32 bytes)
"""
import hashlib
import struct

MAGIC = b"CSTMODEL"
FORMAT_VERSION = 1


def write(path, *, attack_version, buckets, pair_multiplier, mix_shift, a, b, threshold, scale,
          classes, intercepts, offsets, entry_classes, entry_weights):
    out = bytearray()
    out += MAGIC + struct.pack("<I", FORMAT_VERSION)
    v = attack_version.encode()
    out += struct.pack("<I", len(v)) + v
    out += struct.pack("<IIQI", buckets, 2, pair_multiplier, mix_shift)
    out += struct.pack("<ffff", a, b, threshold, scale)
    out += struct.pack("<I", len(classes))
    for c in classes:
        e = c.encode()
        out += struct.pack("<B", len(e)) + e
    out += struct.pack(f"<{len(intercepts)}f", *intercepts)
    out += struct.pack(f"<{len(offsets)}I", *offsets)
    out += entry_classes.astype("<u2").tobytes()
    out += entry_weights.astype("<i2").tobytes()
    out += hashlib.sha256(out).digest()
    with open(path, "wb") as f:
        f.write(out)
    return len(out)
