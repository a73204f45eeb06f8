#!/usr/bin/env python3
"""Trains cs-enrich's technique model from ATT&CK's own text (`make attack-model`).

Input: enterprise-attack-18.1-text.ndjson (procedure examples and technique descriptions, extracted from
MITRE's STIX data). Output: the model file cs-enrich loads (format in model_file.py and
docs/cs-enrich.md) and a golden file of sentences and their scores that a Swift test checks.

Deterministic: the held-out split is a hash of each relationship id, the solver is seeded, and the file is
written from sorted data, so two runs give the same bytes.

ATT&CK is (c) The MITRE Corporation, reproduced and distributed with its permission under the ATT&CK terms of use.
"""
import argparse
import hashlib
import json
import re
import sys

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.svm import LinearSVC

sys.path.insert(0, __import__("os").path.dirname(__file__))
from features import PAIR_MULTIPLIER, features  # noqa: E402
import model_file  # noqa: E402

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'(\[])|\n+")


def held_out(relationship_id: str) -> bool:
    """The project's test set: 10% of procedure examples, by a stable hash of the relationship id."""
    digest = hashlib.sha256(relationship_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % 10 == 0


def parent(technique: str) -> str:
    return technique.split(".")[0]


def sentences(text: str):
    return [s.strip() for s in SENTENCE_END.split(text) if len(s.strip()) > 20]


def load(path):
    procedures, techniques = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            d = json.loads(line)
            (procedures if d["kind"] == "procedure" else techniques).append(d)
    procedures.sort(key=lambda d: d["id"])
    techniques.sort(key=lambda d: d["technique"])
    return procedures, techniques


def matrix(texts, buckets):
    rows, cols, vals = [], [], []
    for i, t in enumerate(texts):
        idx, v = features(t, buckets)
        rows.extend([i] * len(idx)); cols.extend(idx); vals.extend([v] * len(idx))
    return csr_matrix((np.array(vals, dtype=np.float64), (rows, cols)), shape=(len(texts), buckets))


def training_set(procedures, techniques, label, use_descriptions):
    texts, labels, weights = [], [], []
    for d in procedures:
        if not held_out(d["id"]):
            texts.append(d["text"]); labels.append(label(d["technique"])); weights.append(1.0)
    if use_descriptions:
        for d in techniques:
            for field in ("text", "detection"):
                for s in sentences(d.get(field) or ""):
                    texts.append(s); labels.append(label(d["technique"])); weights.append(use_descriptions)
    return texts, labels, np.array(weights)


def fit(kind, C, X, y, w, seed=1):
    """A one-vs-rest linear SVM (liblinear, seeded); `--kind lr` for logistic regression, to compare."""
    if kind == "svm":
        m = LinearSVC(C=C, random_state=seed, max_iter=5000)
    else:
        m = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    m.fit(X, y, sample_weight=w)
    return m


GOLDEN_SENTENCES = [
    "The loader decodes the payload from base64 before running it.",
    "The implant downloads a second stage from the command and control server.",
    "The malware calls CreateProcessW to start the dropped binary.",
    "It collects the hostname and OS version and sends them to the attacker.",
    "Shamoon wipes the MBR of infected hosts.",
    "The actor sent spearphishing emails with malicious Word attachments.",
    "Attackers dumped LSASS memory with ProcDump to harvest credentials.",
    "Persistence is achieved through a scheduled task that runs every hour.",
    "Entra ID sign-ins were attempted with password spraying from many IP addresses.",
    "Doppelgänging and ünïcode words are hashed as bytes.",
    "",
]


def prune(coef, budget):
    """Keeps the `budget` largest weights (by magnitude); the rest become 0."""
    flat = np.abs(coef).ravel()
    if flat.size <= budget:
        return coef
    cut = np.partition(flat, flat.size - budget)[flat.size - budget]
    return np.where(np.abs(coef) >= cut, coef, 0.0)


def cap_per_bucket(coef, k):
    """Keeps at most the k largest weights (by magnitude) of each feature bucket: common words' buckets hold
    many small weights that cost cs-enrich time and the model little."""
    a = np.abs(coef)
    if k >= a.shape[0]:
        return coef
    kth = -np.sort(-a, axis=0)[k - 1]
    return np.where(a >= kth[None, :], coef, 0.0)


def quantize(coef):
    scale = np.float32(np.abs(coef).max() / 32767.0)
    q = np.rint(coef / np.float64(scale)).astype(np.int64)
    return q, scale


def scores(texts, q, scale, intercepts, buckets):
    """Raw scores (sentences x classes) as cs-enrich computes them, from the quantized weights."""
    W = q.astype(np.float64) * np.float64(scale)
    X = matrix(texts, buckets)
    return np.asarray(X @ W.T) + intercepts.astype(np.float64)


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def precision_recall(prob, classes, truth, threshold):
    """Every class at or above the threshold is reported; a sentence is recalled when its technique is."""
    hits = prob >= threshold
    reported = int(hits.sum())
    correct = sum(1 for i, t in enumerate(truth) if t in classes and hits[i, classes.index(t)])
    return (correct / reported if reported else 1.0), correct / len(truth), reported, correct


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--out")
    ap.add_argument("--golden")
    ap.add_argument("--attack-version", default="18.1")
    ap.add_argument("--kind", default="svm")
    ap.add_argument("--C", type=float, default=1.0)
    ap.add_argument("--buckets", type=int, default=1 << 18)
    ap.add_argument("--budget", type=int, default=300_000, help="weights kept after pruning")
    ap.add_argument("--per-bucket", type=int, default=16, help="weights kept per feature bucket")
    ap.add_argument("--level", default="parent")
    ap.add_argument("--descriptions", type=float, default=1.0)
    ap.add_argument("--precision", type=float, default=0.8)
    a = ap.parse_args()
    procedures, techniques = load(a.data)
    label = parent if a.level == "parent" else (lambda t: t)
    texts, labels, w = training_set(procedures, techniques, label, a.descriptions)
    test = [d for d in procedures if held_out(d["id"])]
    m = fit(a.kind, a.C, matrix(texts, a.buckets), labels, w)
    classes = [str(c) for c in m.classes_]
    coef = cap_per_bucket(prune(np.asarray(m.coef_, dtype=np.float64), a.budget), a.per_bucket)
    q, scale = quantize(coef)
    intercepts = np.asarray(m.intercept_, dtype=np.float32)
    truth = [parent(d["technique"]) for d in test]
    raw = scores([d["text"] for d in test], q, scale, intercepts, a.buckets)

    # Calibration: a sigmoid of a sentence's best score fitted to whether that best class is right.
    top = raw.argmax(axis=1)
    best = raw[np.arange(len(top)), top].reshape(-1, 1)
    right = np.array([classes[k] == t for k, t in zip(top, truth)], dtype=int)
    platt = LogisticRegression(C=1e6).fit(best, right)
    ca, cb = np.float32(platt.coef_[0][0]), np.float32(platt.intercept_[0])
    prob = sigmoid(raw * np.float64(ca) + np.float64(cb))

    # Threshold: the lowest (two decimals) above which precision stays at the target on the held-out set.
    threshold = 0.99
    for t in np.arange(0.99, 0.0, -0.01):
        if precision_recall(prob, classes, truth, t)[0] < a.precision:
            break
        threshold = round(float(t), 2)
    p, r, reported, correct = precision_recall(prob, classes, truth, threshold)
    print(f"training sentences {len(texts)}, held-out {len(test)}, classes {len(classes)}, "
          f"weights kept {int((q != 0).sum())}, calibration a={ca:.4f} b={cb:.4f}")
    print(f"held-out at threshold {threshold:.2f}: precision {p:.4f} recall {r:.4f} ({correct} of {reported} reported, {len(test)} sentences)")
    if not a.out:
        return

    # Sparse by bucket: entries sorted by bucket then class.
    nz_class, nz_bucket = np.nonzero(q)
    order = np.lexsort((nz_class, nz_bucket))
    nz_class, nz_bucket = nz_class[order], nz_bucket[order]
    offsets = np.zeros(a.buckets + 1, dtype=np.int64)
    np.add.at(offsets, nz_bucket + 1, 1)
    offsets = np.cumsum(offsets)
    size = model_file.write(a.out, attack_version=a.attack_version, buckets=a.buckets, pair_multiplier=PAIR_MULTIPLIER,
                            mix_shift=29, a=float(ca), b=float(cb), threshold=threshold, scale=float(scale),
                            classes=classes, intercepts=[float(x) for x in intercepts], offsets=[int(x) for x in offsets],
                            entry_classes=nz_class, entry_weights=q[nz_class, nz_bucket])
    print(f"wrote {a.out}: {size} bytes")
    if a.golden:
        golden = GOLDEN_SENTENCES + [d["text"] for d in test[:12]]
        gp = sigmoid(scores(golden, q, scale, intercepts, a.buckets) * np.float64(ca) + np.float64(cb))
        with open(a.golden, "w", encoding="utf-8") as f:
            for text, row in zip(golden, gp):
                best3 = sorted(range(len(classes)), key=lambda k: (-row[k], classes[k]))[:3]
                f.write(json.dumps({"text": text, "top": [[classes[k], round(float(row[k]), 6)] for k in best3]},
                                   ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {a.golden}")


if __name__ == "__main__":
    main()
