#!/usr/bin/env bash
# Scores `contactpoint match dedupe` on FEBRL datasets 1-3 exactly as it is judged
# (the linkage evaluator, ids replaced by random tokens), with soc_sec_id and
# with it emptied, then `match link` on each dataset split into originals and duplicates.
# Usage: bench/febrl/run.sh path/to/febrl-datasets path/to/linkage_eval.py
set -uo pipefail
cd "$(dirname "$0")/../.."

if [ "$#" -ne 2 ]; then
  echo "usage: bench/febrl/run.sh FEBRL_DIR LINKAGE_EVAL_PY" >&2
  exit 2
fi
data="$1"
evaluator="$2"
split="$(mktemp -d)"
trap 'rm -rf "$split"' EXIT
status=0

for n in 1 2 3; do
  file="$data/dataset$n.csv"
  python3 "$evaluator" dedupe "$file" || status=1
  BLANK=soc_sec_id MIN_P=0.99 MIN_R=0.95 python3 "$evaluator" dedupe "$file" || status=1
done

# Link mode: originals on the left, duplicates on the right (as FEBRL's dataset 4a/4b are).
for n in 1 2 3; do
  head -n 1 "$data/dataset$n.csv" | tee "$split/left$n.csv" >"$split/right$n.csv"
  grep -- '-org,' "$data/dataset$n.csv" >>"$split/left$n.csv"
  grep -- '-dup-' "$data/dataset$n.csv" >>"$split/right$n.csv"
  python3 "$evaluator" link "$split/left$n.csv" "$split/right$n.csv" || status=1
  BLANK=soc_sec_id MIN_P=0.99 MIN_R=0.95 python3 "$evaluator" link "$split/left$n.csv" "$split/right$n.csv" || status=1
done
exit "$status"
