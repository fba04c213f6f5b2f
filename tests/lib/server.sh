# a policy server in the background for the tests/e2e_*.sh scripts; source it after
# tests/lib/e2e.sh (it needs $PY and $tmp, and replaces e2e.sh's EXIT trap so that the
# server is stopped before $tmp goes):
#   server_cmd=(SCRIPT ARGS...)   optional: what every start_server call begins with
#   start_server ARGS...          runs "$PY" "${server_cmd[@]}" ARGS... (stdout to
#                                 $tmp/port, stderr to $tmp/server.err), waits up to 10 s
#                                 for the port it prints first and sets $port; a server
#                                 that prints none is a failed check, named with its stderr
#   stop_server                   stops and reaps it (nothing when none runs)
srv_pid=""
port=""
server_cmd=()
trap 'stop_server; rm -rf "$tmp"' EXIT

start_server() {
  rm -f "$tmp/port"
  "$PY" "${server_cmd[@]}" "$@" >"$tmp/port" 2>"$tmp/server.err" &
  srv_pid=$!
  for _ in $(seq 100); do
    [ -s "$tmp/port" ] && break
    kill -0 "$srv_pid" 2>/dev/null || break  # it exited without a port
    sleep 0.1
  done
  port=$(head -1 "$tmp/port")
  if [ -z "$port" ]; then
    bad "server_started: ${server_cmd[*]} $*"
    sed 's/^/  /' "$tmp/server.err" | tail -5
  fi
}

stop_server() {
  if [ -n "$srv_pid" ]; then kill "$srv_pid" 2>/dev/null; wait "$srv_pid" 2>/dev/null; fi
  srv_pid=""
}
