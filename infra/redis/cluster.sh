#!/usr/bin/env bash
# A local Redis Cluster from Debian's redis-server: 3 primaries, each with one replica, on six
# consecutive ports, slots in even ranges (redis-cli --cluster create). Used by `infra/stack.sh up`
# with VBC_REDIS_CLUSTER=1 and by the tests that run the product on a cluster.
#
#   infra/redis/cluster.sh up DIR BASE_PORT      start (or reuse) and wait until the cluster is ok;
#                                                prints the REDIS_CLUSTER_NODES value
#   infra/redis/cluster.sh down DIR              stop the nodes started in DIR
#   infra/redis/cluster.sh status DIR BASE_PORT  exit 0 when the cluster answers and is ok
#
# Nodes keep the stack's Redis settings (AOF everysec, listpack hashes, noeviction); a node that
# stops answering for 2 s is failed over to its replica.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
NODES=6
WAIT_SECONDS="${VBC_STACK_WAIT_SECONDS:-90}"

say() { echo "redis cluster: $*" >&2; }
die() { say "$*"; exit 1; }

ports() { local base="$1" i; for ((i = 0; i < NODES; i++)); do echo $((base + i)); done; }
nodes_list() { local out=() p; for p in $(ports "$1"); do out+=("127.0.0.1:$p"); done; (IFS=,; echo "${out[*]}"); }
cluster_ok() { [ "$(timeout 3 redis-cli -p "$1" cluster info 2>/dev/null | tr -d '\r' | grep -c '^cluster_state:ok')" = 1 ]; }

start_node() { # dir port
  local dir="$1" port="$2"
  mkdir -p "$dir/$port"
  # The stack's settings (redis.conf, minus what is per node), then the cluster's.
  grep -vE '^(port|dir|bind|daemonize)\b' "$HERE/redis.conf" | grep -vE '^\s*(#|$)' >"$dir/$port/redis.conf"
  cat >>"$dir/$port/redis.conf" <<CONF
bind 127.0.0.1
port $port
dir $dir/$port
daemonize no
cluster-enabled yes
cluster-config-file nodes.conf
cluster-node-timeout 2000
repl-diskless-sync-delay 0
CONF
  setsid redis-server "$dir/$port/redis.conf" >>"$dir/$port/redis.log" 2>&1 </dev/null &
  echo $! >"$dir/$port.pid"
}

up() {
  local dir="$1" base="$2" port waited=0
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null || die "redis-server and redis-cli are needed"
  mkdir -p "$dir"
  if cluster_ok "$base"; then nodes_list "$base"; return 0; fi
  for port in $(ports "$base"); do
    [ "$(timeout 3 redis-cli -p "$port" ping 2>/dev/null)" = PONG ] || start_node "$dir" "$port"
  done
  for port in $(ports "$base"); do
    until [ "$(timeout 3 redis-cli -p "$port" ping 2>/dev/null)" = PONG ]; do
      [ "$waited" -lt "$WAIT_SECONDS" ] || die "node $port did not answer within ${WAIT_SECONDS}s; see $dir/$port/redis.log"
      sleep 0.2; waited=$((waited + 1))
    done
  done
  # A node that knows no other is new: make the cluster (once; nodes.conf keeps it across restarts).
  if [ "$(redis-cli -p "$base" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')" = 1 ]; then
    local addresses=() p
    for p in $(ports "$base"); do addresses+=("127.0.0.1:$p"); done
    redis-cli --cluster create "${addresses[@]}" --cluster-replicas 1 --cluster-yes >>"$dir/create.log" 2>&1 \
      || die "redis-cli --cluster create failed; see $dir/create.log"
  fi
  waited=0
  for port in $(ports "$base"); do
    until cluster_ok "$port"; do
      [ "$waited" -lt $((WAIT_SECONDS * 5)) ] || die "the cluster is not ok within ${WAIT_SECONDS}s; see $dir/*/redis.log"
      sleep 0.2; waited=$((waited + 1))
    done
  done
  # Each primary's replica attached and in sync (a replica that never synced is not elected).
  local synced
  until synced=0; for port in $(ports "$base"); do
          redis-cli -p "$port" info replication | tr -d '\r' | grep -q '^master_link_status:up' && synced=$((synced + 1))
        done; [ "$synced" = 3 ]; do
    [ "$waited" -lt $((WAIT_SECONDS * 5)) ] || die "the replicas did not sync within ${WAIT_SECONDS}s; see $dir/*/redis.log"
    sleep 0.2; waited=$((waited + 1))
  done
  say "3 primaries and 3 replicas up on 127.0.0.1:$base-$((base + NODES - 1))"
  nodes_list "$base"
}

down() {
  local dir="$1" pidfile pid
  for pidfile in "$dir"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid="$(cat "$pidfile")"
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
      kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
}

case "${1:-}" in
  up) [ $# -eq 3 ] || die "usage: cluster.sh up DIR BASE_PORT"; up "$2" "$3" ;;
  down) [ $# -eq 2 ] || die "usage: cluster.sh down DIR"; down "$2" ;;
  status) [ $# -eq 3 ] || die "usage: cluster.sh status DIR BASE_PORT"; cluster_ok "$3" ;;
  *) die "usage: cluster.sh up DIR BASE_PORT | down DIR | status DIR BASE_PORT" ;;
esac
