#!/usr/bin/env bash
# --scenes libero from ../shared/libero: both suites run end to end (every task, a few
# inits, short episodes), records say scenes libero with the init files' hashes (checked
# against an independent FNV-1a), `scene --xml` holds the file's row exactly (checked
# with numpy), the expert succeeds on inits it used to fail, and incomplete installations
# exit 2 naming the missing file.
# usage: e2e_libero.sh BOKBO SOURCE_DIR
BOKBO=$1
. "$2/tests/lib/e2e.sh"
SHARED="$2/../shared/libero"
export SRC="$2"
export BOKBO_LIBERO="$SHARED/LIBERO" BOKBO_ROBOSUITE="$SHARED/robosuite"
INITS="$BOKBO_LIBERO/libero/libero/init_files"

for s in libero_object libero_spatial; do
  check "run_$s" 0 "$BOKBO" run --scenes libero --suite "$s" --tasks 0-9 --inits 0,49 \
    --max-steps 3 --threads 2 --quiet --out "$tmp/$s"
  $PY - "$tmp/$s" "$s" "$INITS/$s" <<'EOF' && ok "records_$s" || bad "records_$s"
import json, os, sys
run, suite, inits = sys.argv[1:4]
cfg = json.load(open(os.path.join(run, "run.json")))
assert cfg["scenes"] == "libero", cfg.get("scenes")
tasks = open(os.path.join(os.environ["SRC"], "scenes", suite, "tasks.txt")).read().split()
files = cfg["init_files"]
assert [f["task"] for f in files] == list(range(10)), files
for f in files:
    path = os.path.join(inits, tasks[f["task"]] + ".pruned_init")
    assert os.path.samefile(f["file"], path), (f["file"], path)
    h = 14695981039346656037
    for b in open(path, "rb").read():
        h = ((h ^ b) * 1099511628211) % (1 << 64)
    assert f["fnv1a64"] == "%016x" % h, (f, "%016x" % h)
eps = [json.loads(l) for l in open(os.path.join(run, "episodes.jsonl"))]
assert sorted((e["task"], e["init"]) for e in eps) == [(t, i) for t in range(10) for i in (0, 49)]
for e in eps:
    assert e["error"] == "" and e["success"] in (True, False) and e["steps"] <= 3, e
EOF
done

# the keyframe of `scene --xml` is the init file's row, digit for digit
task0=pick_up_the_alphabet_soup_and_place_it_in_the_basket
check scene_xml 0 "$BOKBO" scene --scenes libero --suite libero_object --task 0 --init 7 \
  --xml "$tmp/scene.xml"
$PY - "$tmp/scene.xml" "$INITS/libero_object/$task0.pruned_init" <<'EOF' && ok keyframe_is_the_row || bad keyframe_is_the_row
import pickle, sys, zipfile
import xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
qpos = [float(x) for x in root.find("keyframe/key").get("qpos").split()]
with zipfile.ZipFile(sys.argv[2]) as z:
    rows = pickle.loads(z.read([n for n in z.namelist() if n.endswith("data.pkl")][0]))
row = rows[7]
assert len(qpos) == 58 and 1 + 58 + 51 == len(row), (len(qpos), len(row))
assert qpos == [float(x) for x in row[1:59]], "keyframe differs from the file"
EOF

# renders as a policy sees them: both cameras, 256 x 256
for cam in agentview robot0_eye_in_hand; do
  check "png_$cam" 0 "$BOKBO" scene --scenes libero --suite libero_spatial --task 0 \
    --camera "$cam" --png "$tmp/$cam.png"
done

# K-sampling, scorers and videos on LIBERO scenes
check sampling 0 "$BOKBO" run --scenes libero --suite libero_spatial --tasks 7 --inits 3 \
  --policy simvla --k 3 --sampling perturb:sigma=0.1 --scorer disagreement --max-steps 4 \
  --threads 1 --quiet --out "$tmp/k" --video "$tmp/vid" --frames --video-every 2
n=$(ls "$tmp"/vid/*/frame_*.png 2>/dev/null | wc -l)
[ "$n" -ge 2 ] && ok video_frames || bad "video_frames ($n)"
expect_in k_in_record "$tmp/k/episodes.jsonl" '"k":3'

# the expert on inits it used to fail in LIBERO's scenes: the bowl on the ramekin (task 5,
# init 0: the grasp's yaw flipped mid-turn and joint 5 ran into its limit; a 50 mm rim
# opening pushed the bowl off) and on the stove near the base (task 7, init 0: the near rim
# folded the arm to joint 4's limit and the funnel sent the hand back up 18 cm)
check expert_hard_inits 0 "$BOKBO" run --scenes libero --suite libero_spatial --tasks 5,7 \
  --inits 0 --policy expert --reference none --threads 2 --quiet --out "$tmp/hard"
$PY - "$tmp/hard/episodes.jsonl" <<'EOF' && ok expert_hard_inits_succeed || bad expert_hard_inits_succeed
import json, sys
eps = [json.loads(l) for l in open(sys.argv[1])]
assert sorted(e["task"] for e in eps) == [5, 7], eps
for e in eps:
    assert e["error"] == "" and e["success"] is True and e["steps"] < 220, (e["task"], e["steps"])
EOF

# the bowl in the top drawer ~0.8 m from the base (task 4): moving over at the hover
# height overshot into the arm's full stretch (elbow straight at its limit), where the
# controller cannot pull the hand back in, and the hand hung past the grasp to the end
# (init 18); with that fixed, the bowl slipped from a weak rim pinch at the top of the
# lift and landed tilted on the drawer's edge (init 4, failed before the elbow change)
check expert_far_drawer 0 "$BOKBO" run --scenes libero --suite libero_spatial --tasks 4 \
  --inits 4,18 --policy expert --reference none --threads 2 --quiet --out "$tmp/far"
$PY - "$tmp/far/episodes.jsonl" <<'EOF' && ok expert_far_drawer_succeeds || bad expert_far_drawer_succeeds
import json, sys
eps = [json.loads(l) for l in open(sys.argv[1])]
assert sorted((e["task"], e["init"]) for e in eps) == [(4, 4), (4, 18)], eps
for e in eps:
    assert e["error"] == "" and e["success"] is True, (e["init"], e["steps"])
EOF

# the viewer on a LIBERO scene (Xvfb)
if "$BOKBO" view --suite libero_object --task 0 --script q 2>&1 | grep -q "not built in"; then
  ok "viewer not built in this configuration (BOKBO_VIEWER=OFF)"
elif command -v Xvfb >/dev/null; then
  . "$SRC/tests/lib/xvfb.sh"
  check viewer 0 xvfb "$BOKBO" view --scenes libero \
    --suite libero_object --task 0 --size 320x240 --script "right shot:$tmp/view.png q"
  [ -s "$tmp/view.png" ] && ok viewer_screenshot || bad viewer_screenshot
else
  bad "viewer: Xvfb missing (tools/install-deps.sh installs xvfb)"
fi

# incomplete installations and bad usage
mkdir -p "$tmp/rs/robosuite/models/assets"
check missing_robosuite_file 2 "$BOKBO" scene --scenes libero --suite libero_object --task 0 \
  --robosuite "$tmp/rs"
expect_in names_missing_file "$tmp/err" "robosuite/models/assets/base.xml: missing"
check libero_without_paths 2 env -u BOKBO_LIBERO "$BOKBO" scene --scenes libero \
  --suite libero_object --task 0
expect_in names_setting "$tmp/err" "BOKBO_LIBERO"
check unknown_scenes 2 "$BOKBO" run --scenes foo --suite libero_object --out "$tmp/x"
check shift_needs_builtin 2 "$BOKBO" run --scenes libero --suite libero_object --shift x:0.1 \
  --out "$tmp/y"

finish
