#!/usr/bin/env bash
# A real single-node Slurm on localhost, for testing `backprop sweep --slurm` (not for production):
# installs Debian's slurmctld, slurmd, slurm-client and munge if missing, writes a slurm.conf with
# one node (localhost, all its CPUs) in one partition, and starts munged, slurmctld and slurmd
# directly as daemons (no systemd, no cgroups: this runs in containers too). Needs root.
#
#   bash scripts/slurm-local.sh          install if needed, configure, start; waits until the node is idle
#   bash scripts/slurm-local.sh stop     stop the daemons this script started
#
# Everything it writes lives in /etc/slurm/slurm.conf, /etc/munge/munge.key (created once),
# /var/spool/slurm-local and /var/log/slurm-local.
set -euo pipefail

STATE=/var/spool/slurm-local
LOGS=/var/log/slurm-local

if [ "$(id -u)" != 0 ]; then
  echo "slurm-local: must run as root (it installs packages and starts daemons)" >&2
  exit 1
fi

stop() {
  for name in slurmd slurmctld; do
    if [ -f "$STATE/$name.pid" ]; then
      kill "$(cat "$STATE/$name.pid")" 2>/dev/null || true
      rm -f "$STATE/$name.pid"
    fi
  done
  if [ -f "$STATE/munged.pid" ]; then
    kill "$(cat "$STATE/munged.pid")" 2>/dev/null || true
    rm -f "$STATE/munged.pid"
  fi
}

if [ "${1:-}" = stop ]; then
  stop
  echo "slurm-local: stopped"
  exit 0
fi

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null || ! command -v munged >/dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  # The packages' postinst scripts try to start services; there is no init system to do so here.
  printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
  rm -f /usr/sbin/policy-rc.d
fi

stop
mkdir -p "$STATE/ctld" "$STATE/d" "$LOGS" /etc/slurm /etc/munge /run/munge /var/lib/munge /var/log/munge
if [ ! -s /etc/munge/munge.key ]; then
  dd if=/dev/urandom of=/etc/munge/munge.key bs=1024 count=1 status=none
fi
chown -R munge:munge /etc/munge /run/munge /var/lib/munge /var/log/munge
chmod 0700 /etc/munge
chmod 0400 /etc/munge/munge.key
chmod 0755 /run/munge

CPUS=$(nproc)
MEM_MB=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
cat > /etc/slurm/slurm.conf <<EOF
# Written by backprop's scripts/slurm-local.sh: one node, localhost, for tests.
ClusterName=backprop-local
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
ReturnToService=2
SlurmdTimeout=60
MpiDefault=none
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM_MB State=UNKNOWN
PartitionName=local Nodes=localhost Default=YES MaxTime=INFINITE State=UP
EOF
# slurmd loads a cgroup plugin even with proctrack/linuxproc and task/none (Slurm 22.05 has no
# 'disabled'); autodetect picks v1 or v2, and IgnoreSystemd lets v2 work without systemd's D-Bus.
cat > /etc/slurm/cgroup.conf <<EOF
CgroupPlugin=autodetect
IgnoreSystemd=yes
EOF

# munged: started as the munge user (it refuses root); --force tolerates a stale socket.
su -s /bin/sh munge -c "/usr/sbin/munged --force --pid-file=/run/munge/munged.pid" || /usr/sbin/munged --force
cp /run/munge/munged.pid "$STATE/munged.pid" 2>/dev/null || true
for _ in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.2; done
munge -n | unmunge >/dev/null

slurmctld -c -i 2>>"$LOGS/slurmctld.stderr" || slurmctld -c 2>>"$LOGS/slurmctld.stderr"
slurmd 2>>"$LOGS/slurmd.stderr"

# Wait until the node is up and idle (or mixed/allocated by someone's jobs).
for i in $(seq 120); do
  state=$(sinfo -h -n localhost -o '%T' 2>/dev/null || true)
  case "$state" in
    idle*|mixed*|allocated*) echo "slurm-local: node localhost $state, $CPUS CPUs, partition 'local' (logs in $LOGS)"; exit 0 ;;
    down*|drain*) scontrol update NodeName=localhost State=RESUME >/dev/null 2>&1 || true ;;
  esac
  sleep 0.5
done
echo "slurm-local: the node did not come up; see $LOGS/slurmctld.log and $LOGS/slurmd.log" >&2
sinfo >&2 || true
exit 1
