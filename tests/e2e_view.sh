#!/bin/bash
# the viewer under Xvfb: starts, runs a scripted key sequence, writes screenshots that
# are not blank and differ between two camera modes; replays a logged episode and finds
# its forces equal to the log. Usage: e2e_view.sh BOKBO_BINARY SOURCE_DIR
set -u
BOKBO=$1
SRC=$2
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

if ! "$BOKBO" view --help >/dev/null; then fail "view --help"; fi
if ! command -v Xvfb >/dev/null; then fail "Xvfb missing (tools/install-deps.sh installs xvfb)"; fi
. "$SRC/tests/lib/xvfb.sh"
XRUN=(xvfb)
if "$BOKBO" view --suite libero_spatial --task 0 --script q 2>&1 | grep -q "not built in"; then
  echo "SKIP: viewer not built (no GLFW)"; exit 0
fi

# usage errors exit 2 and say why
"$BOKBO" view --task 0 >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing --suite should exit 2"

# live episode: agentview, a few steps, then the eye-in-hand camera with forces and paths
"${XRUN[@]}" "$BOKBO" view --suite libero_spatial --task 0 --size 320x240 \
  --script "right right right shot:$TMP/agent.png c c shot:$TMP/wrist.png space wait:10 f k h shot:$TMP/extras.png q" \
  >"$TMP/live.log" 2>&1 || { cat "$TMP/live.log"; fail "live viewer exited non-zero"; }
for f in agent wrist extras; do [ -s "$TMP/$f.png" ] || fail "no screenshot $f.png"; done

# decode the PNGs (zlib + filters) and compare them
python3 - "$TMP/agent.png" "$TMP/wrist.png" <<'PY' || fail "screenshot check"
import struct, sys, zlib
def load(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR": w, h = struct.unpack(">II", body[:8])
        if kind == b"IDAT": idat += body
        pos += 12 + n
    raw, stride, rows, prev = zlib.decompress(idat), w * 3, [], bytearray(w * 3)
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - 3] if i >= 3 else 0; b = prev[i]; c = prev[i - 3] if i >= 3 else 0
            if f == 1: line[i] = (line[i] + a) & 255
            elif f == 2: line[i] = (line[i] + b) & 255
            elif f == 3: line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c; pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(line); prev = line
    return w, h, b"".join(rows)
w1, h1, a = load(sys.argv[1]); w2, h2, b = load(sys.argv[2])
assert (w1, h1) == (320, 240) == (w2, h2), (w1, h1, w2, h2)
mean = sum(a) / len(a); var = sum((x - mean) ** 2 for x in a[::7]) / len(a[::7])
assert var > 100, "agentview screenshot is blank (variance %.1f)" % var
diff = sum(abs(x - y) for x, y in zip(a[::5], b[::5])) / len(a[::5])
assert diff > 5, "camera modes give the same picture (mean abs diff %.2f)" % diff
print("screenshots: variance %.0f, camera difference %.1f" % (var, diff))
PY

# replay: log two expert episodes, re-simulate the second, check forces against the log
"$BOKBO" run --suite libero_spatial --tasks 0 --inits 0-1 --max-steps 24 --threads 1 \
  --out "$TMP/run" --quiet >/dev/null 2>&1 || fail "bokbo run for the replay"
"${XRUN[@]}" "$BOKBO" view --replay "$TMP/run" --episode 0:1:0 --size 320x240 \
  --script "play shot:$TMP/replay.png [ q" >"$TMP/replay.log" 2>&1 \
  || { cat "$TMP/replay.log"; fail "replay viewer exited non-zero"; }
grep -q "forces match the log" "$TMP/replay.log" || { cat "$TMP/replay.log"; fail "replay forces differ"; }
grep -q "mismatch" "$TMP/replay.log" && { cat "$TMP/replay.log"; fail "replay mismatch"; }
[ -s "$TMP/replay.png" ] || fail "no replay screenshot"
"$BOKBO" view --replay "$TMP/run" --episode 9 >/dev/null 2>&1; [ $? -eq 2 ] || fail "unknown episode should exit 2"
echo "e2e_view: ok"
