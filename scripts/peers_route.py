#!/usr/bin/python3
"""A classical peer for tian's routing, on the split `tian eval route` uses.

Proposals of the demo corpus (testdata/proposals.jsonl), filed (立案) with a
lead unit. Test: 2024 and 2025; training: the years before. Lead unit: TF-IDF
over jieba words (1-2-grams) and characters (1-3-grams) of title and body
with a linear SVM, units ranked by its decision function (top-1, top-3).
Co-handling units: one logistic regression per unit over the same features
(one-vs-rest), a unit picked when its probability passes a threshold chosen
to maximise F1 on 2023 with a model trained on the years before 2023, then
refitted on all training years. Prints one JSON object.
"""
import json
import sys

import jieba
import numpy as np
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.multiclass import OneVsRestClassifier
from sklearn.preprocessing import MultiLabelBinarizer
from sklearn.svm import LinearSVC

jieba.setLogLevel(60)
TEST_YEARS = {2024, 2025}


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


class Features:
    def fit_transform(self, texts):
        self.w = TfidfVectorizer(tokenizer=words, token_pattern=None, ngram_range=(1, 2), sublinear_tf=True)
        self.c = TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)
        return hstack([self.w.fit_transform(texts), self.c.fit_transform(texts)]).tocsr()

    def transform(self, texts):
        return hstack([self.w.transform(texts), self.c.transform(texts)]).tocsr()


def co_model(texts, cos):
    f = Features()
    x = f.fit_transform(texts)
    mlb = MultiLabelBinarizer()
    y = mlb.fit_transform(cos)
    keep = y.sum(axis=0) > 0
    m = OneVsRestClassifier(LogisticRegression(C=10, max_iter=2000))
    m.fit(x, y[:, keep])
    classes = np.array(mlb.classes_)[keep]
    return lambda ts: (m.predict_proba(f.transform(ts)), classes)


def picks(probs, classes, t):
    return [set(classes[p >= t]) for p in probs]


def f1(picked, gold):
    hit = sum(len(p & set(g)) for p, g in zip(picked, gold))
    n_p, n_g = sum(len(p) for p in picked), sum(len(g) for g in gold)
    prec, rec = (hit / n_p if n_p else 0.0), (hit / n_g if n_g else 0.0)
    return (2 * prec * rec / (prec + rec) if prec + rec else 0.0), prec, rec


def main(path):
    ps = [json.loads(l) for l in open(path, encoding="utf-8")]
    ps = [p for p in ps if p.get("status") == "立案" and p.get("lead_unit")]
    text = lambda p: p["title"] + "\n" + p["body"]
    train = [p for p in ps if p["year"] not in TEST_YEARS]
    test = [p for p in ps if p["year"] in TEST_YEARS]

    f = Features()
    x = f.fit_transform([text(p) for p in train])
    svm = LinearSVC(C=1.0).fit(x, [p["lead_unit"] for p in train])
    scores = svm.decision_function(f.transform([text(p) for p in test]))
    order = np.argsort(-scores, axis=1)
    top1 = top3 = 0
    for p, o in zip(test, order):
        ranked = [svm.classes_[i] for i in o[:3]]
        top1 += ranked[0] == p["lead_unit"]
        top3 += p["lead_unit"] in ranked

    # co-handling threshold on 2023, trained on the years before
    fit = [p for p in train if p["year"] < 2023]
    val = [p for p in train if p["year"] == 2023]
    predict = co_model([text(p) for p in fit], [p.get("co_units") or [] for p in fit])
    probs, classes = predict([text(p) for p in val])
    gold = [p.get("co_units") or [] for p in val]
    best = max((f1(picks(probs, classes, t), gold)[0], t) for t in np.arange(0.01, 0.9, 0.01))
    predict = co_model([text(p) for p in train], [p.get("co_units") or [] for p in train])
    probs, classes = predict([text(p) for p in test])
    cf1, cp, cr = f1(picks(probs, classes, best[1]), [p.get("co_units") or [] for p in test])
    print(json.dumps({"peer": "TF-IDF words 1-2 + characters 1-3; LinearSVC (lead), one-vs-rest logistic (co-handling)",
                      "n": len(test), "top1": top1 / len(test), "top3": top3 / len(test),
                      "co_f1": cf1, "co_precision": cp, "co_recall": cr, "co_threshold": round(best[1], 2)},
                     ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "testdata/proposals.jsonl")
