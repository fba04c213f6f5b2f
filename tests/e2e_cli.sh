#!/usr/bin/env bash
# end-to-end checks of the bokbo command: help, list, scene, bad input and exit codes.
# usage: e2e_cli.sh BOKBO_BINARY SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"

# help and version
check help 0 "$BOKBO" --help
expect_in help_lists_scene "$tmp/out" "scene"
check scene_help 0 "$BOKBO" scene --help
expect_in scene_help_names_options "$tmp/out" "--camera"
check version 0 "$BOKBO" --version
expect_in version_names_mujoco "$tmp/out" "MuJoCo 222"

# list: text and JSON that a JSON parser reads, 10 tasks per suite with LIBERO's horizons
check list 0 "$BOKBO" list
check list_json 0 "$BOKBO" list --json
cp "$tmp/out" "$tmp/list.json"
if "$PY" - "$tmp/list.json" <<'PYEOF'
import json, sys
doc = json.load(open(sys.argv[1]))
suites = {s["name"]: s for s in doc["suites"]}
assert set(suites) == {"libero_object", "libero_spatial"}, suites.keys()
assert suites["libero_object"]["max_steps"] == 280
assert suites["libero_spatial"]["max_steps"] == 220
for s in suites.values():
    assert [t["id"] for t in s["tasks"]] == list(range(10))
    for t in s["tasks"]:
        assert t["prompt"] == t["name"].replace("_", " ")
assert len(doc["categories"]) == 17
PYEOF
then ok list_json_content; else bad list_json_content; fi

# bad usage: exit 2 with the valid names
check unknown_command 2 "$BOKBO" frobnicate
check unknown_suite 2 "$BOKBO" scene --suite libero_goal --task 0
expect_in unknown_suite_lists_names "$tmp/err" "libero_object, libero_spatial"
check task_out_of_range 2 "$BOKBO" scene --suite libero_object --task 12
check init_out_of_range 2 "$BOKBO" scene --suite libero_object --task 0 --init 50
check missing_task 2 "$BOKBO" scene --suite libero_object
check bad_shift 2 "$BOKBO" scene --suite libero_object --task 0 --shift z:1
check unknown_camera 1 "$BOKBO" scene --suite libero_object --task 0 --png "$tmp/x.png" --camera nope
expect_in unknown_camera_lists_names "$tmp/err" "agentview"
[ ! -e "$tmp/x.png" ] && ok no_png_on_error || bad no_png_on_error
check unwritable_png 1 "$BOKBO" scene --suite libero_object --task 0 --png /nonexistent/x.png

# scene: the MJCF compiles on its own, the PNG is a real non-blank 256x256 image
check scene_xml_png 0 "$BOKBO" scene --suite libero_spatial --task 4 --init 3 \
  --xml "$tmp/s.xml" --png "$tmp/s.png"
if command -v mujoco-compile >/dev/null; then
  check scene_xml_compiles 0 mujoco-compile "$tmp/s.xml" "$tmp/s.mjb"
  [ -s "$tmp/s.mjb" ] && ok scene_mjb_written || bad scene_mjb_written
fi
if "$PY" - "$tmp/s.png" <<'PYEOF'
import struct, sys, zlib
data = open(sys.argv[1], "rb").read()
assert data[:8] == b"\x89PNG\r\n\x1a\n"
pos, idat, w = 8, b"", 0
while pos < len(data):
    n, kind = struct.unpack(">I4s", data[pos:pos + 8])
    body = data[pos + 8:pos + 8 + n]
    if kind == b"IHDR":
        w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        assert (w, h, depth, ctype) == (256, 256, 8, 2), (w, h, depth, ctype)
    if kind == b"IDAT":
        idat += body
    pos += 12 + n
raw = zlib.decompress(idat)
assert len(raw) == 256 * (1 + 256 * 3)
# distinct scanline contents: a blank or single-colour image has very few
rows = {raw[i * 769 + 1:(i + 1) * 769] for i in range(256)}
assert len(rows) > 100, len(rows)
PYEOF
then ok scene_png_is_an_image; else bad scene_png_is_an_image; fi

# the printed placement: every object with a position
check scene_print 0 "$BOKBO" scene --suite libero_object --task 4 --shift x:0.05
expect_in scene_print_names_shifted_suite "$tmp/out" "libero_object_x0.05 task 4"
expect_in scene_print_lists_ketchup "$tmp/out" "ketchup_1"

finish
