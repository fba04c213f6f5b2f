# Sourced by the tests that open windows. `xvfb CMD...` runs CMD under a private Xvfb and
# returns CMD's exit status. Xvfb picks a free display itself (-displayfd), so tests
# running in parallel never race for one, as `xvfb-run -a` can (it probes lock files, and
# its own clean-up can fail with exit 5 and hide the command's status).
# In sanitizer builds the windowed runs skip LeakSanitizer: GLX loads Mesa's DRI driver
# with dlopen and unloads it at exit, and the driver's own allocations are then reported
# from an "<unknown module>" that no suppression can name.
xvfb() {
  local dir pid disp rc i
  dir=$(mktemp -d)
  Xvfb -displayfd 3 -screen 0 1280x1024x24 -nolisten tcp 3>"$dir/display" 2>"$dir/log" &
  pid=$!
  for ((i = 0; i < 600; i++)); do  # up to 60 s on a loaded machine
    [ -s "$dir/display" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  disp=$(head -1 "$dir/display" 2>/dev/null)
  if [ -z "$disp" ]; then
    echo "xvfb: Xvfb did not start:" >&2
    cat "$dir/log" >&2
    kill "$pid" 2>/dev/null
    rm -rf "$dir"
    return 125
  fi
  DISPLAY=":$disp" ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0" "$@"
  rc=$?
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  rm -rf "$dir"
  return $rc
}
