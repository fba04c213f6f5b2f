#!/usr/bin/env bash
# run directory locks: while a run writes a directory, a second run, --resume or --force on
# it exits 2 naming the holder's pid; once the holder is killed, --resume takes the lock
# over and finishes the run. usage: e2e_lock.sh BOKBO SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

common="--suite libero_spatial --tasks 0 --inits 0-7 --max-steps 120 --threads 1 --quiet"
"$BOKBO" run $common --out "$tmp/run" &
holder=$!
# wait for the holder to take the lock (its pid in the lock file)
for _ in $(seq 1 300); do
  [ "$(cut -d' ' -f1 "$tmp/run/run.lock" 2>/dev/null)" = "$holder" ] && break
  sleep 0.05
done
expect_pid() {
  grep -q "in use by process $holder " "$tmp/err" && ok "$1 names the holder" ||
    { bad "$1 names the holder"; sed 's/^/  /' "$tmp/err"; }
}
check second_run_refused 2 "$BOKBO" run $common --out "$tmp/run"
expect_pid second_run
check resume_refused 2 "$BOKBO" run $common --resume --out "$tmp/run"
expect_pid resume
check force_refused 2 "$BOKBO" run $common --force --out "$tmp/run"
expect_pid force
# the refused commands left the holder's records alone: it finishes on its own
kill -0 "$holder" 2>/dev/null && ok holder_still_running || bad holder_still_running
kill -9 "$holder"
wait "$holder" 2>/dev/null
# a dead holder's lock is stale: --resume takes it over and completes the eight episodes
check resume_after_kill 0 "$BOKBO" run $common --resume --out "$tmp/run"
n=$(wc -l < "$tmp/run/episodes.jsonl")
[ "$n" -eq 8 ] && ok resumed_run_complete || bad "resumed_run_complete ($n lines)"
pid=$(cut -d' ' -f1 "$tmp/run/run.lock")
[ -n "$pid" ] && [ "$pid" != "$holder" ] && ok lock_file_names_new_holder || bad lock_file_names_new_holder
# another directory is not locked by this one
check other_dir_free 0 "$BOKBO" run $common --inits 0 --out "$tmp/other"

finish
