#!/usr/bin/env bash
# The local stack without Docker: Apache Kafka (KRaft, from Maven Central jars), AxonOps Schema
# Registry (built with Go at a pinned version) and Redis (Debian's redis-server).
#
#   infra/stack.sh install | up | down | status | restart kafka|registry|redis
#
# Everything is cached under one state directory, so a second `up` reuses what the first fetched.
# `down` stops only the processes this script started (by the pids it recorded).
#
# Environment (all optional):
#   VBC_STATE_DIR            cache, data, logs and pids (default ~/.cache/vbc)
#   VBC_KAFKA_PORT           broker port (9092)      VBC_KAFKA_CONTROLLER_PORT  KRaft controller (9093)
#   VBC_REGISTRY_PORT        schema registry (8081)  VBC_REDIS_PORT             Redis (6379)
#   VBC_KAFKA_HEAP           broker heap (512m)      VBC_STACK_WAIT_SECONDS     wait per part (90)
#   VBC_STACK_INSTANCE       a second, separate stack (its own data, logs and pids under
#                            instances/NAME; give it its own ports), e.g. for fault tests
#   VBC_STACK_SECURE=1       clients reach Kafka over TLS with SASL (SCRAM-SHA-512, SCRAM-SHA-256
#                            or PLAIN) and, on VBC_KAFKA_MTLS_PORT (9095), over mutual TLS with a
#                            client certificate; the registry over HTTPS with basic auth and Redis
#                            over TLS with a password, both wanting a client certificate, as in
#                            production. The CA to trust is written to RUN/tls/ca.pem (RUN: the
#                            instance's run directory), a client certificate it signed to
#                            RUN/tls/client.crt and client.key. VBC_STACK_KAFKA_USER (vbc),
#                            VBC_STACK_KAFKA_PASSWORD (vbc-secret), VBC_STACK_REGISTRY_USER (vbc),
#                            VBC_STACK_REGISTRY_PASSWORD (registry-secret), VBC_STACK_REDIS_PASSWORD
#                            (redis-secret), VBC_KAFKA_INTERNAL_PORT (the broker's own plain
#                            listener, 9094)
#   VBC_REDIS_CLUSTER=1      Redis as a local Redis Cluster instead of one Redis: 3 primaries and 3
#                            replicas on VBC_REDIS_CLUSTER_PORT (7001) to +5 (infra/redis/cluster.sh);
#                            the services then take REDIS_CLUSTER_NODES=127.0.0.1:7001,...,127.0.0.1:7006
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
STATE="${VBC_STATE_DIR:-$HOME/.cache/vbc}"
KAFKA_VERSION="4.1.2"
REGISTRY_MODULE="github.com/axonops/axonops-schema-registry"
REGISTRY_VERSION="v0.2.1"
KAFKA_PORT="${VBC_KAFKA_PORT:-9092}"
CONTROLLER_PORT="${VBC_KAFKA_CONTROLLER_PORT:-9093}"
REGISTRY_PORT="${VBC_REGISTRY_PORT:-8081}"
REDIS_PORT="${VBC_REDIS_PORT:-6379}"
KAFKA_HEAP="${VBC_KAFKA_HEAP:-512m}"
INTERNAL_PORT="${VBC_KAFKA_INTERNAL_PORT:-9094}"
MTLS_PORT="${VBC_KAFKA_MTLS_PORT:-9095}"
SECURE="${VBC_STACK_SECURE:-}"
KAFKA_USER="${VBC_STACK_KAFKA_USER:-vbc}"
KAFKA_PASSWORD="${VBC_STACK_KAFKA_PASSWORD:-vbc-secret}"
REDIS_PASSWORD="${VBC_STACK_REDIS_PASSWORD:-redis-secret}"
REGISTRY_USER="${VBC_STACK_REGISTRY_USER:-vbc}"
REGISTRY_PASSWORD="${VBC_STACK_REGISTRY_PASSWORD:-registry-secret}"
WAIT_SECONDS="${VBC_STACK_WAIT_SECONDS:-90}"
REDIS_CLUSTER="${VBC_REDIS_CLUSTER:-}"
[ "$REDIS_CLUSTER" = 0 ] && REDIS_CLUSTER=""
REDIS_CLUSTER_PORT="${VBC_REDIS_CLUSTER_PORT:-7001}"

KAFKA_HOME="$STATE/kafka-$KAFKA_VERSION"
REGISTRY_BIN="$STATE/bin/schema-registry-$REGISTRY_VERSION"
# Installs are shared; what a running stack owns (pids, logs, data) is per instance.
INSTANCE_DIR="$STATE${VBC_STACK_INSTANCE:+/instances/$VBC_STACK_INSTANCE}"
RUN="$INSTANCE_DIR/run"
LOGS="$INSTANCE_DIR/logs"
DATA="$INSTANCE_DIR/data"
TLS="$RUN/tls"

say() { echo "vbc stack: $*" >&2; }
die() { say "$*"; exit 1; }

# --- install (idempotent, cached) ---------------------------------------------------------------

install_kafka() {
  [ -f "$KAFKA_HOME/libs/kafka_2.13-$KAFKA_VERSION.jar" ] && return 0
  command -v java >/dev/null || die "Java 17+ is needed for Kafka and was not found on PATH"
  command -v mvn >/dev/null || die "Maven is needed to fetch the Kafka jars and was not found on PATH"
  say "fetching Kafka $KAFKA_VERSION jars from Maven Central (once)"
  rm -rf "$KAFKA_HOME.tmp"
  mvn -q -B -f "$HERE/kafka/pom.xml" dependency:copy-dependencies \
    -Dkafka.version="$KAFKA_VERSION" -DincludeScope=runtime -DoutputDirectory="$KAFKA_HOME.tmp/libs" \
    || die "could not fetch the Kafka jars with Maven (see the output above)"
  rm -rf "$KAFKA_HOME" && mv "$KAFKA_HOME.tmp" "$KAFKA_HOME"
}

install_registry() {
  [ -x "$REGISTRY_BIN" ] && return 0
  command -v go >/dev/null || die "Go is needed to build the schema registry and was not found on PATH"
  say "building AxonOps Schema Registry $REGISTRY_VERSION with Go (once)"
  # `go install pkg@version` also asks the module proxy for the module's version list (to report
  # deprecations), which the proxy refuses for this module; a throwaway module pinning the exact
  # version builds the same binary without that lookup.
  local build
  build="$(mktemp -d)"
  (
    cd "$build"
    go mod init vbc.local/registry-build >/dev/null 2>&1
    go get "$REGISTRY_MODULE/cmd/schema-registry@$REGISTRY_VERSION" >/dev/null
    mkdir -p "$STATE/bin"
    go build -o "$REGISTRY_BIN.tmp" "$REGISTRY_MODULE/cmd/schema-registry"
  ) || { rm -rf "$build"; die "could not build the schema registry with Go (see the output above)"; }
  rm -rf "$build"
  mv "$REGISTRY_BIN.tmp" "$REGISTRY_BIN"
}

install_redis() {
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null && return 0
  command -v apt-get >/dev/null || die "redis-server is missing and apt-get is not available to install it"
  say "installing redis-server from Debian's packages (once)"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq >/dev/null || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq redis-server >/dev/null \
    || die "apt-get install redis-server failed"
  # The package may start a system-wide server on 6379; the stack runs its own, so stop that one.
  if command -v service >/dev/null; then $sudo service redis-server stop >/dev/null 2>&1 || true; fi
}

install_all() {
  mkdir -p "$STATE" "$RUN" "$LOGS" "$DATA"
  install_kafka
  install_registry
  install_redis
}

# --- process helpers --------------------------------------------------------------------------

pid_of() { cat "$RUN/$1.pid" 2>/dev/null || true; }
alive() {
  local pid
  if [ "$1" = redis ] && [ -n "$REDIS_CLUSTER" ]; then
    for pid in "$DATA"/redis-cluster/*.pid; do [ -f "$pid" ] && kill -0 "$(cat "$pid")" 2>/dev/null && return 0; done
    return 1
  fi
  pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null
}
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

answers() {
  case "$1" in
    kafka) port_open "$KAFKA_PORT" ;;
    registry)
      if [ -n "$SECURE" ]; then
        curl -fsS -m 2 --cacert "$TLS/ca.pem" --cert "$TLS/client.crt" --key "$TLS/client.key" -u "$REGISTRY_USER:$REGISTRY_PASSWORD" "https://127.0.0.1:$REGISTRY_PORT/subjects" >/dev/null 2>&1
      else
        curl -fsS -m 2 "http://127.0.0.1:$REGISTRY_PORT/subjects" >/dev/null 2>&1
      fi ;;
    redis)
      if [ -n "$REDIS_CLUSTER" ]; then
        bash "$HERE/redis/cluster.sh" status "$DATA/redis-cluster" "$REDIS_CLUSTER_PORT"
      elif [ -n "$SECURE" ]; then
        [ "$(REDISCLI_AUTH="$REDIS_PASSWORD" timeout 3 redis-cli -p "$REDIS_PORT" --tls --cacert "$TLS/ca.pem" --cert "$TLS/client.crt" --key "$TLS/client.key" ping 2>/dev/null)" = "PONG" ]
      else
        [ "$(timeout 3 redis-cli -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ]
      fi ;;
  esac
}

port_of() {
  case "$1" in
    kafka) echo "$KAFKA_PORT" ;; registry) echo "$REGISTRY_PORT" ;;
    redis) if [ -n "$REDIS_CLUSTER" ]; then echo "$REDIS_CLUSTER_PORT-$((REDIS_CLUSTER_PORT + 5))"; else echo "$REDIS_PORT"; fi ;;
  esac
}

render() { # template -> rendered file
  sed -e "s#@KAFKA_PORT@#$KAFKA_PORT#g" -e "s#@CONTROLLER_PORT@#$CONTROLLER_PORT#g" \
      -e "s#@REGISTRY_PORT@#$REGISTRY_PORT#g" -e "s#@REDIS_PORT@#$REDIS_PORT#g" \
      -e "s#@DATA_DIR@#$DATA#g" -e "s#@INTERNAL_PORT@#$INTERNAL_PORT#g" -e "s#@MTLS_PORT@#$MTLS_PORT#g" \
      -e "s#@TLS_DIR@#$TLS#g" "$1" >"$2"
}

tls_material() { # a CA, a server certificate for 127.0.0.1 and a client certificate, made once per instance
  [ -f "$TLS/server.pem" ] && [ -f "$TLS/client.crt" ] && return 0
  command -v openssl >/dev/null || die "openssl is needed for VBC_STACK_SECURE and was not found on PATH"
  mkdir -p "$TLS"
  (
    cd "$TLS"
    rm -f server.pem
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 3650 -subj "/CN=vbc local stack CA"
    openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1"
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.crt -days 3650 -extfile san.ext
    # Kafka reads a PEM key store: the key in PKCS#8, then the certificate.
    openssl pkcs8 -topk8 -nocrypt -in server.key -out server.pk8
    cat server.pk8 server.crt >server.pem
    # The services' certificate for the parts that want one (mutual TLS).
    openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=vbc-services"
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out client.crt -days 3650 -extfile client.ext
  ) >>"$LOGS/tls.log" 2>&1 || die "could not make the TLS certificates with openssl, see $LOGS/tls.log"
}

launch() { # name, command...: start detached in its own session, record the pid
  local name="$1"; shift
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$RUN/$name.pid"
}

start_kafka() {
  local cp="$KAFKA_HOME/libs/*" scram=()
  if [ -n "$SECURE" ]; then
    tls_material
    render "$HERE/kafka/server-secure.properties" "$RUN/server.properties"
    # PLAIN checks passwords against its login module's list (no quote or backslash in them here).
    printf 'listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_%s="%s";\n' \
      "$KAFKA_USER" "$KAFKA_PASSWORD" >>"$RUN/server.properties"
    # SCRAM credentials are written into the KRaft metadata when the storage is formatted.
    scram=(--add-scram "SCRAM-SHA-512=[name=$KAFKA_USER,password=$KAFKA_PASSWORD]"
           --add-scram "SCRAM-SHA-256=[name=$KAFKA_USER,password=$KAFKA_PASSWORD]")
  else
    render "$HERE/kafka/server.properties" "$RUN/server.properties"
  fi
  if [ ! -f "$DATA/kafka/meta.properties" ]; then
    mkdir -p "$DATA/kafka"
    local cluster_id
    cluster_id="$(java -cp "$cp" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n 1)"
    java -cp "$cp" -Dlog4j2.configurationFile="$HERE/kafka/log4j2.yaml" kafka.tools.StorageTool format \
      -t "$cluster_id" -c "$RUN/server.properties" --standalone "${scram[@]}" >>"$LOGS/kafka.log" 2>&1 \
      || die "kafka: formatting the KRaft storage failed, see $LOGS/kafka.log"
  fi
  launch kafka java "-Xms128m" "-Xmx$KAFKA_HEAP" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j2.configurationFile="$HERE/kafka/log4j2.yaml" -cp "$cp" kafka.Kafka "$RUN/server.properties"
}

start_registry() {
  render "$HERE/registry/config.yaml" "$RUN/registry.yaml"
  if [ -n "$SECURE" ]; then
    tls_material
    # HTTPS, and basic auth for one admin user that the registry creates at start (its password
    # through the environment, as the registry recommends, not in the file).
    printf 'security:\n  tls:\n    enabled: true\n    cert_file: %s\n    key_file: %s\n    ca_file: %s\n    client_auth: verify\n  auth:\n    enabled: true\n    methods: [basic]\n    bootstrap:\n      enabled: true\n      username: %s\n' \
      "$TLS/server.crt" "$TLS/server.key" "$TLS/ca.pem" "$REGISTRY_USER" >>"$RUN/registry.yaml"
    SCHEMA_REGISTRY_BOOTSTRAP_PASSWORD="$REGISTRY_PASSWORD" launch registry "$REGISTRY_BIN" -config "$RUN/registry.yaml"
    return
  fi
  launch registry "$REGISTRY_BIN" -config "$RUN/registry.yaml"
}

start_redis() {
  if [ -n "$REDIS_CLUSTER" ]; then
    [ -z "$SECURE" ] || die "VBC_REDIS_CLUSTER and VBC_STACK_SECURE together are not supported by the local stack"
    local nodes
    nodes="$(bash "$HERE/redis/cluster.sh" up "$DATA/redis-cluster" "$REDIS_CLUSTER_PORT" 2>>"$LOGS/redis.log")" \
      || die "the Redis Cluster did not start; see $LOGS/redis.log and $DATA/redis-cluster/*/redis.log"
    say "redis: a cluster; set REDIS_CLUSTER_NODES=$nodes for the services"
    return 0
  fi
  mkdir -p "$DATA/redis"
  render "$HERE/redis/redis.conf" "$RUN/redis.conf"
  if [ -n "$SECURE" ]; then
    tls_material
    # TLS only (the plain port closed), a password, and a client certificate signed by the CA.
    printf 'port 0\ntls-port %s\ntls-cert-file %s\ntls-key-file %s\ntls-ca-cert-file %s\ntls-auth-clients yes\nrequirepass %s\n' \
      "$REDIS_PORT" "$TLS/server.crt" "$TLS/server.key" "$TLS/ca.pem" "$REDIS_PASSWORD" >>"$RUN/redis.conf"
  fi
  launch redis redis-server "$RUN/redis.conf"
}

up_part() {
  local name="$1"
  if answers "$name"; then
    alive "$name" || say "$name: something not started by this script already answers on port $(port_of "$name"); using it"
    return 0
  fi
  "start_$name"
  local waited=0
  until answers "$name"; do
    if ! alive "$name"; then
      die "$name failed to start; its log is $LOGS/$name.log"
    fi
    if [ "$waited" -ge "$WAIT_SECONDS" ]; then
      die "$name did not answer on port $(port_of "$name") within ${WAIT_SECONDS}s; its log is $LOGS/$name.log"
    fi
    sleep 1; waited=$((waited + 1))
  done
  say "$name up on 127.0.0.1:$(port_of "$name") (log: $LOGS/$name.log)"
}

down_part() {
  local name="$1" pid
  if [ "$name" = redis ] && [ -n "$REDIS_CLUSTER" ]; then
    bash "$HERE/redis/cluster.sh" down "$DATA/redis-cluster"
    say "redis cluster stopped"
    return 0
  fi
  pid="$(pid_of "$name")"
  if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null || true
    say "$name stopped"
  fi
  rm -f "$RUN/$name.pid"
}

status_all() {
  local failed=0 name
  for name in kafka registry redis; do
    if answers "$name"; then
      echo "$name: up on 127.0.0.1:$(port_of "$name")"
    else
      echo "$name: DOWN (nothing answers on 127.0.0.1:$(port_of "$name"); log: $LOGS/$name.log)"
      failed=1
    fi
  done
  return "$failed"
}

case "${1:-}" in
  install) install_all ;;
  up)
    install_all
    for part in kafka registry redis; do up_part "$part"; done
    ;;
  down)
    # Redis first so it writes its AOF while nothing is consuming; Kafka last.
    for part in redis registry kafka; do down_part "$part"; done
    ;;
  status) status_all ;;
  restart)
    case "${2:-}" in kafka|registry|redis) ;; *) echo "usage: infra/stack.sh restart kafka|registry|redis" >&2; exit 2 ;; esac
    down_part "$2"; up_part "$2"
    ;;
  *) echo "usage: infra/stack.sh install|up|down|status|restart PART" >&2; exit 2 ;;
esac
