#!/usr/bin/env bash
# Runs tian and its classical peers on the same data in one run and prints
# four markdown tables:
#   1. categories: tian's model and the peers of scripts/peers.py;
#   2. grouping on the gold of 2023–2025 (testdata/gold.json), tian and the
#      TF-IDF average-linkage peer of scripts/peers_groups.py (its threshold
#      tuned on 2021–2022), over all proposals of a year and over filed ones
#      only (status other than 不予立案); figures are means over the years;
#   3. similarity, Spearman on STS-B test and SOHU dd/dc: tian and the
#      TF-IDF peers of scripts/peers_sts.py;
#   4. routing on the corpus time split (test 2024–2025): tian and the
#      TF-IDF linear peer of scripts/peers_route.py.
# tian's grouping and routing are measured on the demo corpus loaded into a fresh
# temporary data directory, removed at exit.
# Needs ../shared/data (third-party data; TIAN_SHARED_DATA overrides) and
# Debian's python3-sklearn, python3-jieba, python3-openpyxl and fasttext,
# which it installs when missing (as root).
set -euo pipefail
cd "$(dirname "$0")/.."
data="${TIAN_SHARED_DATA:-../shared/data}"
[ -d "$data/thucnews-titles" ] || { echo "peers: $data/thucnews-titles not present" >&2; exit 1; }
if ! /usr/bin/python3 -c "import sklearn, jieba, openpyxl" 2>/dev/null || ! command -v fasttext >/dev/null; then
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-sklearn python3-jieba python3-openpyxl fasttext >/dev/null
fi
go build -o /tmp/tian-peers ./cmd/tian
echo "| set | model | macro-F1 | accuracy | docs/s end to end |"
echo "|---|---|---|---|---|"
/tmp/tian-peers eval classify --json --train "$data/thucnews-titles/dev.txt" --test "$data/thucnews-titles/test.txt" \
	--classes "$data/thucnews-titles/class.txt" |
	/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("| thucnews-titles | tian (words, word pairs, characters 1–3; SVM with naive Bayes and/or logistic, settings by inner CV) | %.3f | %.3f | %.0f |" % (r["macro_f1"], r["accuracy"], r["docs_per_second"]))'
/tmp/tian-peers eval classify --json --folds 5 --train "$data/teddycup2020c/sample/附件2.xlsx" --text 留言主题,留言详情 --label 一级分类 |
	/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("| teddycup2020c sample (5-fold) | tian | %.3f | %.3f | |" % (r["macro_f1"], r["accuracy"]))'
/usr/bin/python3 scripts/peers.py "$data" |
	/usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("| %s | %s | %.3f | %.3f | %s |" % (r["dataset"], r["peer"], r["macro_f1"], r["accuracy"], r.get("docs_per_second", "")))'

# Grouping. tian groups the demo corpus in a fresh data directory.
dir=$(mktemp -d /tmp/tian-peers-data.XXXXXX)
trap 'rm -rf "$dir"' EXIT
/tmp/tian-peers --data "$dir" demo >/dev/null
years=2023,2024,2025
# both golds: the corpus writers' and the blind revision (testdata/README.md)
for gold in gold gold_revised; do
	/tmp/tian-peers --data "$dir" eval groups --json --years "$years" --gold "testdata/$gold.json" >"$dir/$gold-all.json"
	/tmp/tian-peers --data "$dir" eval groups --json --years "$years" --gold "testdata/$gold.json" --filed >"$dir/$gold-filed.json"
	/usr/bin/python3 scripts/peers_groups.py testdata/proposals.jsonl "testdata/$gold.json" >"$dir/$gold-peer.jsonl"
done
echo
echo "| grouping 2023–2025 | model | pairwise precision | recall | F1 | ARI | per-year F1 (2023 / 2024 / 2025) | distance threshold |"
echo "|---|---|---|---|---|---|---|---|"
/usr/bin/python3 - "$dir" <<'PY'
import json, os, sys

d = sys.argv[1]

def row(mode, model, scores, threshold=""):
    mean = lambda k: sum(s[k] for s in scores) / len(scores)
    print("| %s | %s | %.3f | %.3f | %.3f | %.3f | %s | %s |" % (
        mode, model, mean("precision"), mean("recall"), mean("f1"), mean("ari"),
        " / ".join("%.3f" % s["f1"] for s in scores), threshold))

for gold, gname in (("gold", "gold.json"), ("gold_revised", "gold_revised.json")):
    peers = {}
    with open(os.path.join(d, "%s-peer.jsonl" % gold)) as f:
        for line in f:
            r = json.loads(line)
            peers["filed" if "(filed)" in r["dataset"] else "all"] = r
    for mode, label in (("all", "all proposals"), ("filed", "filed only (not 不予立案)")):
        label = "%s, %s" % (gname, label)
        with open(os.path.join(d, "%s-%s.json" % (gold, mode))) as f:
            row(label, "tian (learned pair model, graph linkage)", json.load(f)["groups"])
        p = peers[mode]
        row(label, p["peer"], [p["per_year"][y] for y in sorted(p["per_year"])], "%.3f" % p["threshold"])
PY

# Similarity.
echo
echo "| similarity (Spearman) | model | STS-B test | SOHU dd | SOHU dc |"
echo "|---|---|---|---|---|"
/tmp/tian-peers --data "$dir" eval similarity --json --sts "$data/sts-zh" >"$dir/sts-tian.json"
/usr/bin/python3 scripts/peers_sts.py "$data/sts-zh" >"$dir/sts-peer.jsonl"
/usr/bin/python3 - "$dir" <<'PY'
import json, os, sys

d = sys.argv[1]
sets = ("STS-B test", "SOHU dd", "SOHU dc")
fmt = lambda v: "%.3f" % v if v is not None else "n/a"
tian = json.load(open(os.path.join(d, "sts-tian.json")))
print("| | tian | %s |" % " | ".join(fmt(tian.get(s)) for s in sets))
peers = {}
with open(os.path.join(d, "sts-peer.jsonl")) as f:
    for line in f:
        r = json.loads(line)
        peers.setdefault(r["peer"], {})[r["dataset"]] = r["spearman"]
for peer, by_set in peers.items():
    print("| | %s | %s |" % (peer, " | ".join(fmt(by_set.get(s)) for s in sets)))
PY

# Routing: lead and co-handling units on the corpus time split (training
# years before 2024, test 2024–2025, filed proposals with a lead unit).
echo
echo "| routing 2024–2025 | model | proposals | lead top-1 | lead top-3 | co-handling F1 | precision | recall |"
echo "|---|---|---|---|---|---|---|---|"
/tmp/tian-peers --data "$dir" eval route --json >"$dir/route-tian.json"
/usr/bin/python3 scripts/peers_route.py testdata/proposals.jsonl >"$dir/route-peer.json"
/usr/bin/python3 - "$dir" <<'PY'
import json, os, sys

d = sys.argv[1]
t = json.load(open(os.path.join(d, "route-tian.json")))
p, r = t["co_precision"], t["co_recall"]
f1 = 2 * p * r / (p + r) if p + r else 0
print("| | tian | %d | %.3f | %.3f | %.3f | %.3f | %.3f |" % (t["n"], t["top1"], t["top3"], f1, p, r))
q = json.load(open(os.path.join(d, "route-peer.json")))
print("| | %s | %d | %.3f | %.3f | %.3f | %.3f | %.3f |" % (q["peer"], q["n"], q["top1"], q["top3"], q["co_f1"], q["co_precision"], q["co_recall"]))
PY
