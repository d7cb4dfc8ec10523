#!/usr/bin/python3
"""The classical grouping peer for tian's groups (issue 13, item 4).

What: each proposal becomes a TF-IDF vector over jieba words plus one over
characters 1-3 (sublinear tf; the title is written twice ahead of the body
so it weighs more). The two blocks are L2-normalised and stacked, so the
cosine of two proposals is the mean of their word cosine and their
character cosine. Proposals of one year are clustered by average-linkage
agglomerative clustering on cosine distance (sklearn
AgglomerativeClustering, linkage='average', cut at a distance threshold;
the cosine distances are computed once per year from the sparse vectors
and passed as metric='precomputed', which merges exactly as
metric='cosine' would).

IDF: fitted once on the text of the whole corpus (all years, all
statuses). No label is used, so this is unsupervised and fair to fit on
the test years' text too.

Tuning: the distance threshold is the only parameter. It is chosen on the
2021 and 2022 gold only (grid 0.300 to 0.995 in steps of 0.005; best mean
pairwise F1 over the two years, the smaller threshold on a tie). The
chosen threshold is then applied once to 2023, 2024 and 2025.

Scoring, per year, as tian's `eval groups` does it: every pair of the
year's items counts; a pair is positive when both are in one gold group;
items in no gold group (or no predicted group) are singletons. Pairwise
precision, recall, F1 and the adjusted Rand index (sklearn) per year; the
summary is the mean over the three years.

Two modes, tuned separately:
  all    every proposal of the year is clustered and scored;
  filed  only proposals whose status is not 不予立案 (立案 and 并案), the
         ones an office actually groups; gold groups never contain a
         不予立案 proposal. Clustering and scoring use those items only.

Prints one JSON object per mode on standard output. Run by
scripts/peers.sh; alone: /usr/bin/python3 scripts/peers_groups.py
[proposals.jsonl [gold.json]].
"""
import json
import os
import sys

import jieba
import numpy as np
from scipy.sparse import hstack
from sklearn.cluster import AgglomerativeClustering
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

jieba.setLogLevel(60)
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
TUNE_YEARS = (2021, 2022)
TEST_YEARS = (2023, 2024, 2025)
GRID = [round(0.300 + 0.005 * i, 3) for i in range(140)]  # 0.300 … 0.995
PEER = "TF-IDF cosine, jieba words + characters 1–3, average linkage"


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


def load(proposals_path, gold_path):
    with open(proposals_path, encoding="utf-8") as f:
        props = [json.loads(line) for line in f if line.strip()]
    with open(gold_path, encoding="utf-8") as f:
        gold = json.load(f)
    group_of = {}
    for i, g in enumerate(gold["groups"]):
        for m in g["members"]:
            group_of[m] = i
    return props, group_of


def vectors(props):
    """Row i is proposal i: stacked word and character TF-IDF, fitted on all texts."""
    texts = [p["title"] + "\n" + p["title"] + "\n" + p["body"] for p in props]
    blocks = [
        TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=True, sublinear_tf=True),
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True),
    ]
    x = hstack([normalize(v.fit_transform(texts)) for v in blocks]).tocsr()
    return normalize(x)


def labels_of(numbers, groups_of):
    """An integer label per item: its group's, or a fresh one when in no group."""
    out, fresh = [], -1
    for n in numbers:
        if n in groups_of:
            out.append(groups_of[n])
        else:
            out.append(fresh)
            fresh -= 1
    return np.array(out)


def pair_scores(pred, gold):
    n = len(pred)
    same_p = pred[:, None] == pred[None, :]
    same_g = gold[:, None] == gold[None, :]
    upper = np.triu(np.ones((n, n), dtype=bool), 1)
    tp = np.sum(same_p & same_g & upper)
    fp = np.sum(same_p & ~same_g & upper)
    fn = np.sum(~same_p & same_g & upper)
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {"precision": float(p), "recall": float(r), "f1": float(f),
            "ari": float(adjusted_rand_score(gold, pred)), "items": n}


def cluster(dist, threshold):
    # dist is the cosine distance matrix of the rows (1 - cosine). Passing it
    # precomputed gives the same merges as metric="cosine" on the vectors
    # without making the sparse TF-IDF matrix dense.
    model = AgglomerativeClustering(n_clusters=None, metric="precomputed", linkage="average",
                                    distance_threshold=threshold)
    return model.fit_predict(dist)


class Year:
    """The items of one year in one mode, with their vectors and gold labels."""

    def __init__(self, props, x, group_of, year, filed_only):
        idx = [i for i, p in enumerate(props)
               if p["year"] == year and not (filed_only and p["status"] == "不予立案")]
        self.year = year
        rows = x[idx]
        self.dist = np.clip(1.0 - (rows @ rows.T).toarray(), 0.0, 2.0)
        np.fill_diagonal(self.dist, 0.0)
        self.gold = labels_of([props[i]["number"] for i in idx], group_of)

    def score(self, threshold):
        return pair_scores(cluster(self.dist, threshold), self.gold)


def run(mode, props, x, group_of):
    filed = mode == "filed"
    tune = [Year(props, x, group_of, y, filed) for y in TUNE_YEARS]
    best_t, best_f = None, -1.0
    for t in GRID:
        f = float(np.mean([y.score(t)["f1"] for y in tune]))
        if f > best_f:
            best_t, best_f = t, f
    per_year = {}
    for y in TEST_YEARS:
        s = Year(props, x, group_of, y, filed).score(best_t)
        per_year[str(y)] = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in s.items()}
    out = {"dataset": "groups 2023–2025 (%s)" % mode, "peer": PEER}
    for k in ("precision", "recall", "f1", "ari"):
        out[k] = round(float(np.mean([per_year[str(y)][k] for y in TEST_YEARS])), 4)
    out["threshold"] = best_t
    out["tune_f1"] = round(best_f, 4)
    out["idf"] = "whole corpus"
    out["per_year"] = per_year
    print(json.dumps(out, ensure_ascii=False), flush=True)


def main():
    proposals = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "testdata", "proposals.jsonl")
    gold = sys.argv[2] if len(sys.argv) > 2 else os.path.join(ROOT, "testdata", "gold.json")
    props, group_of = load(proposals, gold)
    x = vectors(props)
    for mode in ("all", "filed"):
        run(mode, props, x, group_of)


if __name__ == "__main__":
    main()
