#!/usr/bin/env bash
# Runs tian's category model and its classical peers on the same splits, in
# one run, and prints one table. Needs ../shared/data (third-party data) and
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
	/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("| thucnews-titles | tian (words + characters 1–3, logistic regression) | %.3f | %.3f | %.0f |" % (r["macro_f1"], r["accuracy"], r["docs_per_second"]))'
/tmp/tian-peers eval classify --json --folds 5 --train "$data/teddycup2020c/sample/附件2.xlsx" --text 留言主题,留言详情 --label 一级分类 |
	/usr/bin/python3 -c 'import json,sys; r=json.load(sys.stdin); print("| teddycup2020c sample (5-fold) | tian | %.3f | %.3f | |" % (r["macro_f1"], r["accuracy"]))'
/usr/bin/python3 scripts/peers.py "$data" |
	/usr/bin/python3 -c '
import json, sys
for line in sys.stdin:
    r = json.loads(line)
    print("| %s | %s | %.3f | %.3f | %s |" % (r["dataset"], r["peer"], r["macro_f1"], r["accuracy"], r.get("docs_per_second", "")))'
