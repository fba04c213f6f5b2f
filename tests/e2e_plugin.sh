#!/usr/bin/env bash
# policy plugins (policies/bokbo_policy.h): the example replay plugin, fed the in-process
# expert's executed actions, succeeds in the same number of steps; a plugin of another
# ABI version, a missing library and a plugin's own bad options are refused with exit 2.
# usage: e2e_plugin.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
SRC=$2
. "$2/tests/lib/e2e.sh"
LIB=$(dirname "$BOKBO")/libbokbo_replay.so

check inproc 0 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --log-actions --quiet \
  --threads 1 --out "$tmp/inproc"
"$PY" -c 'import json,sys
r = json.loads(open(sys.argv[1]).readline())
open(sys.argv[2], "w").write("".join(" ".join(repr(v) for v in a) + "\n" for a in r["actions"]))' \
  "$tmp/inproc/episodes.jsonl" "$tmp/actions.txt"

check plugin 0 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --policy "plugin:$LIB" \
  --policy-opt "file=$tmp/actions.txt" --sampling perturb:sigma=0.05 --k 3 --scorer none \
  --quiet --threads 1 --out "$tmp/plugin"
"$PY" - "$tmp/inproc/episodes.jsonl" "$tmp/plugin/episodes.jsonl" <<'PYEOF' \
  && ok plugin_matches_inprocess || bad plugin_matches_inprocess
import json, sys
a = json.loads(open(sys.argv[1]).readline())
b = json.loads(open(sys.argv[2]).readline())
assert a["success"] and b["success"], (b["error"],)
assert a["steps"] == b["steps"], (a["steps"], b["steps"])
assert b["policy"] == "plugin" and b["k"] == 3
PYEOF
expect_in plugin_path_in_config "$tmp/plugin/run.json" "\"plugin\":.*libbokbo_replay.so"

# temperature sampling hands the plugin its log-probabilities (the example's are 0)
check plugin_temperature 0 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --max-steps 16 \
  --policy "plugin:$LIB" --policy-opt "file=$tmp/actions.txt" --sampling temperature:T=1 --k 2 \
  --quiet --threads 1 --out "$tmp/temp"
expect_in plugin_logp "$tmp/temp/episodes.jsonl" '"confidence":\[0,0\]'

# refusals, before anything is written
cat >"$tmp/v9.c" <<'CEOF'
#include "bokbo_policy.h"
static const bokbo_policy_api api = {BOKBO_POLICY_ABI + 8, "future", 0, 0, 0, 0, 0};
BOKBO_POLICY_EXPORT const bokbo_policy_api* bokbo_policy_entry(void) { return &api; }
CEOF
cc -shared -fPIC -I "$SRC/policies" "$tmp/v9.c" -o "$tmp/libv9.so" && ok build_v9 || bad build_v9
check wrong_abi 2 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --policy "plugin:$tmp/libv9.so" --out "$tmp/x"
expect_in wrong_abi_msg "$tmp/err" "ABI version 9, bokbo speaks 1"
check missing_lib 2 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --policy "plugin:$tmp/none.so" --out "$tmp/x"
expect_in missing_lib_msg "$tmp/err" "none.so"
check plugin_options 2 "$BOKBO" run --suite libero_spatial --tasks 3 --inits 1 --policy "plugin:$LIB" --out "$tmp/x"
expect_in plugin_options_msg "$tmp/err" "replay: needs file=PATH"
[ ! -e "$tmp/x" ] && ok nothing_written || bad nothing_written
finish
