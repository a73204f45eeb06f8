"""The tokenizer and hashed features shared by the trainer and cs-enrich (Sources/CSEnrich/Model).

Words are runs of ASCII letters, digits and non-ASCII bytes, ASCII-lowercased (cs-enrich's Tokenizer);
a word's hash is 64-bit FNV-1a of its bytes with the low bit set (Token.hash). Features are the words and
the pairs of adjacent words, hashed into `buckets` slots, each present feature counting once, the vector
scaled to unit length. Swift computes the same numbers: keep the two in step (the golden test checks).
"""
import math
import re

FNV_BASIS = 0xCBF29CE484222325
FNV_PRIME = 0x100000001B3
MASK64 = 0xFFFFFFFFFFFFFFFF
PAIR_MULTIPLIER = 0x9E3779B97F4A7C15
WORD = re.compile(rb"[A-Za-z0-9\x80-\xff]+")


def word_hash(word: bytes) -> int:
    h = FNV_BASIS
    for c in word.lower():
        h = ((h ^ c) * FNV_PRIME) & MASK64
    return h | 1


def pair_hash(a: int, b: int) -> int:
    return ((a * PAIR_MULTIPLIER) & MASK64) ^ b


def bucket(h: int, buckets: int) -> int:
    return (h ^ (h >> 29)) & (buckets - 1)


def words(text: str):
    return WORD.findall(text.encode("utf-8"))


def features(text: str, buckets: int):
    """Sorted bucket indices present in `text` and the value of each (1/sqrt(count))."""
    hashes = [word_hash(w) for w in words(text)]
    present = {bucket(h, buckets) for h in hashes}
    present.update(bucket(pair_hash(a, b), buckets) for a, b in zip(hashes, hashes[1:]))
    if not present:
        return [], 0.0
    return sorted(present), 1.0 / math.sqrt(len(present))
