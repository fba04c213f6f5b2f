# a private single-node Slurm for the tests: munged, slurmctld and slurmd started directly
# (no systemd), loopback only, every file under $1, stopped by pid. Source it, then
#   slurm_up DIR     (exports SLURM_CONF; fails when a daemon or the node does not come up)
#   slurm_down       (cancels jobs, waits for the queue to drain, stops slurmd, slurmctld,
#                     munged in that order; safe to call twice)
# needs root and Debian's slurmctld slurmd slurm-client munge (tools/install-deps.sh).

slurm_pids=()

# a free TCP port on 127.0.0.1
slurm_free_port() {
  /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# wait up to $1 seconds for the command after it to succeed
slurm_wait() {
  local t=$1
  shift
  for _ in $(seq 1 $((t * 5))); do "$@" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

slurm_conf() {
  local d=$1 host=$2 cpus=$3 p1 p2
  p1=$(slurm_free_port)
  p2=$(slurm_free_port)
  cat <<CONF
ClusterName=bokbotest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$p1
SlurmdPort=$p2
SrunPortRange=$((p2 + 1))-$((p2 + 40))
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$d/munge/munge.socket
SlurmUser=root
SlurmdUser=root
StateSaveLocation=$d/state
SlurmdSpoolDir=$d/spool
SlurmctldPidFile=$d/run/slurmctld.pid
SlurmdPidFile=$d/run/slurmd.pid
SlurmctldLogFile=$d/log/slurmctld.log
SlurmdLogFile=$d/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/builtin
ReturnToService=2
MpiDefault=none
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
}

slurm_up() {
  SLURM_DIR=$1
  local d=$1 host cpus
  host=$(hostname -s)
  cpus=$(nproc)
  mkdir -p "$d/state" "$d/spool" "$d/run" "$d/log" "$d/munge"
  # munged wants every folder above its socket searchable by all
  chmod a+x "$(dirname "$d")"
  chmod 755 "$d" "$d/munge"
  head -c 1024 /dev/urandom > "$d/munge/munge.key"
  chmod 400 "$d/munge/munge.key"
  slurm_conf "$d" "$host" "$cpus" > "$d/slurm.conf"
  export SLURM_CONF=$d/slurm.conf
  munged -F --key-file="$d/munge/munge.key" --socket="$d/munge/munge.socket" \
    --pid-file="$d/run/munged.pid" --seed-file="$d/munge/seed" --log-file="$d/log/munged.log" \
    >"$d/log/munged.log" 2>&1 &
  slurm_pids+=($!)
  slurm_wait 10 test -S "$d/munge/munge.socket" || { echo "slurm: munged did not start"; return 1; }
  slurmctld -D -f "$SLURM_CONF" >/dev/null 2>&1 &
  slurm_pids+=($!)
  slurmd -D -N "$host" -f "$SLURM_CONF" >/dev/null 2>&1 &
  slurm_pids+=($!)
  if ! slurm_wait 60 slurm_idle; then
    echo "slurm: the node did not become idle; logs:"
    tail -5 "$d"/log/*.log | sed 's/^/  /'
    return 1
  fi
}

slurm_idle() { [ "$(sinfo -h -o %t 2>/dev/null)" = "idle" ]; }

# no job left in the queue (pending, running or completing)
slurm_empty() { [ -z "$(squeue -h 2>/dev/null)" ]; }

slurm_down() {
  [ "${#slurm_pids[@]}" -eq 0 ] && return 0
  scancel --user="$(id -un)" >/dev/null 2>&1
  slurm_wait 30 slurm_empty
  # slurmd, slurmctld, munged: the reverse of the start order
  local i
  for ((i = ${#slurm_pids[@]} - 1; i >= 0; i--)); do
    kill "${slurm_pids[i]}" 2>/dev/null
    slurm_wait 10 bash -c "! kill -0 ${slurm_pids[i]}" || kill -9 "${slurm_pids[i]}" 2>/dev/null
    wait "${slurm_pids[i]}" 2>/dev/null
  done
  slurm_pids=()
}
