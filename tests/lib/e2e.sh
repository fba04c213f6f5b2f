# shared helpers of the tests/e2e_*.sh scripts; source it after reading $1 and $2:
#   BOKBO=$1; . "$2/tests/lib/e2e.sh"
# gives $PY (Debian's python3), a scratch $tmp removed at exit, and
#   ok NAME | bad NAME | check NAME EXPECTED_RC COMMAND... | expect_in NAME FILE TEXT
#   finish   (prints the count and exits non-zero on any failure)
set -u
PY=/usr/bin/python3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0

ok() { echo "ok   $1"; }
bad() { echo "FAIL $1"; fails=$((fails + 1)); }

# run a command; its exit status must be EXPECTED_RC (stdout/stderr in $tmp/out, $tmp/err)
check() {
  local name=$1 want=$2
  shift 2
  "$@" >"$tmp/out" 2>"$tmp/err"
  local rc=$?
  if [ "$rc" -eq "$want" ]; then ok "$name"; else
    bad "$name: exit $rc, expected $want"; sed 's/^/  /' "$tmp/err" | tail -5; fi
}

expect_in() {
  if grep -q -- "$3" "$2"; then ok "$1"; else
    bad "$1: '$3' not in $2"; head -5 "$2" | sed 's/^/  /'; fi
}

finish() {
  echo "$fails failure(s)"
  [ "$fails" -eq 0 ]
  exit $?
}
