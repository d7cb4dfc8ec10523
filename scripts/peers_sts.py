#!/usr/bin/python3
"""Classical similarity peers for tian's similarity (issue 13, item 4).

What: the cosine of two TF-IDF vectors scores a pair of texts; the score
is compared with the gold by Spearman correlation. Two peers: TF-IDF over
jieba words, and TF-IDF over characters 1-2 (both sublinear tf, L2
normalised).

Sets, all test splits (nothing is tuned, so nothing is fitted on labels):
  STS-B test   sts-zh/STS-B/STS-B.test.data, lines s1<TAB>s2<TAB>score 0-5;
  SOHU dd      sts-zh/SOHU/dd-test.jsonl, document vs document;
  SOHU dc      sts-zh/SOHU/dc-test.jsonl, short text vs document;
  (SOHU files are JSON lines with sentence1, sentence2, label 0/3/5).

IDF: fitted, without labels, on the texts of the pairs of the set being
scored (both sides of every pair of that set), as the published peer
figures in ../shared/data/README.md were measured.

Prints one JSON object per (set, peer). Run by scripts/peers.sh; alone:
/usr/bin/python3 scripts/peers_sts.py [path to sts-zh].
"""
import json
import os
import sys

import jieba
import numpy as np
from scipy.stats import spearmanr
from sklearn.feature_extraction.text import TfidfVectorizer

jieba.setLogLevel(60)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


PEERS = {
    "TF-IDF cosine, jieba words": lambda: TfidfVectorizer(tokenizer=words, token_pattern=None,
                                                          lowercase=True, sublinear_tf=True),
    "TF-IDF cosine, characters 1–2": lambda: TfidfVectorizer(analyzer="char", ngram_range=(1, 2),
                                                             sublinear_tf=True),
}


def read_stsb(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                pairs.append((parts[0], parts[1], float(parts[2])))
    return pairs


def read_sohu(path):
    pairs = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                pairs.append((r["sentence1"], r["sentence2"], float(r["label"])))
    return pairs


def spearman(make_vectorizer, pairs):
    left = [p[0] for p in pairs]
    right = [p[1] for p in pairs]
    vec = make_vectorizer().fit(left + right)
    a, b = vec.transform(left), vec.transform(right)
    cosine = np.asarray(a.multiply(b).sum(axis=1)).ravel()  # rows are L2-normalised
    return float(spearmanr(cosine, [p[2] for p in pairs]).correlation)


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "..", "shared", "data", "sts-zh")
    sets = [
        ("STS-B test", read_stsb, os.path.join(root, "STS-B", "STS-B.test.data")),
        ("SOHU dd", read_sohu, os.path.join(root, "SOHU", "dd-test.jsonl")),
        ("SOHU dc", read_sohu, os.path.join(root, "SOHU", "dc-test.jsonl")),
    ]
    for name, read, path in sets:
        if not os.path.exists(path):
            print("peers_sts: %s not present, skipped" % path, file=sys.stderr)
            continue
        pairs = read(path)
        for peer, make in PEERS.items():
            out = {"dataset": name, "peer": peer, "spearman": round(spearman(make, pairs), 4), "pairs": len(pairs)}
            print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
