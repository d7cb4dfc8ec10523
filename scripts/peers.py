#!/usr/bin/python3
"""Classical peers for tian's category model, on the splits tian is measured on.

THUCNews titles: train on dev.txt, test on test.txt. Teddy Cup sample
(附件2.xlsx): stratified 5-fold cross-validation. Peers: TF-IDF over jieba
words (1-2-grams) with a linear SVM, the same plus character 1-3-grams,
TF-IDF over characters 1-3 alone, and fastText supervised. Prints one JSON
object per result on standard output. Run by scripts/peers.sh.
"""
import json
import os
import subprocess
import sys
import tempfile
import time

import jieba
import numpy as np
import openpyxl
from scipy.sparse import hstack
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import LinearSVC

jieba.setLogLevel(60)
DATA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "shared", "data")


def words(text):
    return [w for w in jieba.lcut(text) if w.strip()]


def word_vectorizer():
    return TfidfVectorizer(tokenizer=words, token_pattern=None, lowercase=True, ngram_range=(1, 2), sublinear_tf=True)


def char_vectorizer():
    return TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True)


class Model:
    """A TF-IDF feature set and a linear SVM."""

    def __init__(self, kinds):
        self.kinds = kinds

    def fit(self, texts, labels):
        self.vecs = [word_vectorizer() if k == "words" else char_vectorizer() for k in self.kinds]
        x = hstack([v.fit_transform(texts) for v in self.vecs]).tocsr()
        self.svm = LinearSVC(C=1.0).fit(x, labels)
        return self

    def predict(self, texts):
        x = hstack([v.transform(texts) for v in self.vecs]).tocsr()
        return self.svm.predict(x)


PEERS = {
    "TF-IDF words 1-2 + LinearSVC": ["words"],
    "TF-IDF words 1-2 + characters 1-3 + LinearSVC": ["words", "chars"],
    "TF-IDF characters 1-3 + LinearSVC": ["chars"],
}


def report(dataset, peer, truth, predicted, seconds=None, docs=None):
    out = {"dataset": dataset, "peer": peer, "macro_f1": round(f1_score(truth, predicted, average="macro"), 4),
           "accuracy": round(float(np.mean(np.array(truth) == np.array(predicted))), 4)}
    if seconds:
        out["docs_per_second"] = round(docs / seconds)
    print(json.dumps(out, ensure_ascii=False), flush=True)


def fasttext(train_texts, train_labels, test_texts):
    with tempfile.TemporaryDirectory() as d:
        train = os.path.join(d, "train.txt")
        test = os.path.join(d, "test.txt")
        with open(train, "w") as f:
            for t, l in zip(train_texts, train_labels):
                f.write("__label__%s %s\n" % (l, " ".join(words(t))))
        with open(test, "w") as f:
            for t in test_texts:
                f.write(" ".join(words(t)) + "\n")
        model = os.path.join(d, "model")
        subprocess.run(["fasttext", "supervised", "-input", train, "-output", model, "-wordNgrams", "2",
                        "-epoch", "25", "-thread", "2", "-seed", "1"], check=True, capture_output=True)
        out = subprocess.run(["fasttext", "predict", model + ".bin", test], check=True, capture_output=True, text=True)
        return [line.replace("__label__", "").strip() for line in out.stdout.splitlines()]


def thucnews():
    def read(name):
        texts, labels = [], []
        with open(os.path.join(DATA, "thucnews-titles", name)) as f:
            for line in f:
                t, _, l = line.rstrip("\n").rpartition("\t")
                texts.append(t)
                labels.append(l)
        return texts, labels
    train_x, train_y = read("dev.txt")
    test_x, test_y = read("test.txt")
    for name, kinds in PEERS.items():
        m = Model(kinds).fit(train_x, train_y)
        start = time.time()
        pred = m.predict(test_x)
        report("thucnews-titles", name, test_y, pred, time.time() - start, len(test_x))
    report("thucnews-titles", "fastText supervised (wordNgrams 2, 25 epochs)", test_y, fasttext(train_x, train_y, test_x))


def teddy():
    wb = openpyxl.load_workbook(os.path.join(DATA, "teddycup2020c", "sample", "附件2.xlsx"), read_only=True)
    rows = list(wb.active.iter_rows(values_only=True))
    head = list(rows[0])
    ti, bi, li = head.index("留言主题"), head.index("留言详情"), head.index("一级分类")
    texts = [("%s\n%s" % (r[ti] or "", r[bi] or "")).strip() for r in rows[1:] if r[li]]
    labels = [r[li] for r in rows[1:] if r[li]]
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=1)
    for name, kinds in PEERS.items():
        pred = [None] * len(texts)
        for train, test in folds.split(texts, labels):
            m = Model(kinds).fit([texts[i] for i in train], [labels[i] for i in train])
            for i, p in zip(test, m.predict([texts[i] for i in test])):
                pred[i] = p
        report("teddycup2020c sample (5-fold)", name, labels, pred)


if __name__ == "__main__":
    thucnews()
    teddy()
