#!/bin/sh
# Same records from two bokbo builds: runs a small matrix (both suites shifted x:0.1,
# tasks 0 and 4, inits 0-2, the expert and simvla with perturbation and temperature
# sampling, K = 8, the predictor scorer, one thread) with each binary and compares every
# episodes.jsonl byte for byte. For changes meant to leave behaviour alone (speed passes).
#   tools/bench/same_records.sh OLD_BOKBO NEW_BOKBO OBJECT_PREDICTOR SPATIAL_PREDICTOR [DIR]
# TASKS and INITS (environment) widen the matrix (default 0,4 and 0-2); SHIFT (default
# x:0.1, "none" for the unshifted suites).
# Exit 0 when every file is identical, 1 otherwise, 2 on bad usage.
set -eu
[ $# -ge 4 ] || { echo "usage: $0 OLD_BOKBO NEW_BOKBO OBJECT_PREDICTOR SPATIAL_PREDICTOR [DIR]" >&2; exit 2; }
old=$1 new=$2 pobj=$3 pspa=$4
dir=${5:-$(mktemp -d)}
for b in "$old" "$new"; do [ -x "$b" ] || { echo "bokbo: $b: not an executable" >&2; exit 2; }; done
for p in "$pobj" "$pspa"; do [ -r "$p" ] || { echo "bokbo: $p: cannot read" >&2; exit 2; }; done
tasks=${TASKS:-0,4} inits=${INITS:-0-2} shift=${SHIFT:-x:0.1}
shiftarg="--shift $shift"
[ "$shift" = none ] && shiftarg=
bad=0 n=0
for suite in libero_object libero_spatial; do
  pred=$pobj
  [ "$suite" = libero_spatial ] && pred=$pspa
  for pol in expert perturb temperature; do
    case $pol in
      expert) args="--policy expert" ;;
      perturb) args="--policy simvla --sampling perturb:sigma=0.1 --k 8 --scorer predictor --predictor $pred" ;;
      temperature) args="--policy simvla --sampling temperature:T=1.0 --k 8 --scorer predictor --predictor $pred" ;;
    esac
    mkdir -p "$dir"
    for side in old new; do
      bin=$old
      [ $side = new ] && bin=$new
      # shellcheck disable=SC2086
      "$bin" run --suite $suite $shiftarg --tasks "$tasks" --inits "$inits" --threads 1 $args \
        --out "$dir/$side/$suite-$pol" >/dev/null 2>"$dir/$side-$suite-$pol.log" || { echo "bokbo: $bin failed, see $dir/$side-$suite-$pol.log" >&2; exit 1; }
    done
    n=$((n + 1))
    if cmp "$dir/old/$suite-$pol/episodes.jsonl" "$dir/new/$suite-$pol/episodes.jsonl"; then
      echo "same: $suite $pol ($(wc -l < "$dir/new/$suite-$pol/episodes.jsonl") episodes)"
    else
      echo "DIFFERENT: $suite $pol"
      bad=$((bad + 1))
    fi
  done
done
echo "$((n - bad)) of $n record files identical ($dir)"
[ $bad -eq 0 ]
