#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft, broker + controller in one JVM) for development and tests,
# run from the Maven Central jars: Kafka has no Debian package and the machines have no Docker.
#
# Usage: scripts/kafka.sh {start|stop|status|restart|logs [-f]|classpath}
#   classpath  resolves the jars if needed and prints a java -cp value (admin tools, tests):
#              java -cp "$(scripts/kafka.sh classpath)" org.apache.kafka.tools.TopicCommand ...
#
# Environment:
#   KAFKA_PORT              PLAINTEXT port (default 9092)
#   KAFKA_CONTROLLER_PORT   KRaft controller port (default 9093)
#   KAFKA_HOME_DIR          data, logs, pid and generated config (default <repo>/.infra/kafka);
#                           another value plus other ports gives a second, independent broker
#   KAFKA_LIBS_DIR          jars, shared by all brokers (default <repo>/.infra/kafka/libs)
#   KAFKA_START_TIMEOUT     seconds to wait for the broker (default 90)
#   KAFKA_HEAP_OPTS         default "-Xms1g -Xmx1g" (Kafka's own default; at 512 MB, a
#                           development broker holding the ~6,000 partitions a few test runs
#                           leave kept its old generation 85 % full under constant GC, and
#                           consumer latency spiked to 230-340 ms)
#   KAFKA_SASL_USERS        unset (default): a PLAINTEXT listener, no authorizer. Set, e.g.
#                           "admin=pw1,schools=pw2,companies=pw3" (names and passwords of
#                           letters, digits, "_" and "-"), for a private test broker whose
#                           client listener is SASL_PLAINTEXT with SCRAM-SHA-512 only (users
#                           created at format time, so on a fresh KAFKA_HOME_DIR), and the
#                           KRaft StandardAuthorizer (ACLs; denied unless allowed)
#   KAFKA_SUPER_USER        with KAFKA_SASL_USERS: the user that bypasses ACLs and that the
#                           broker itself uses (default admin; must be one of the users). The
#                           controller listener stays PLAINTEXT on 127.0.0.1, so its principal,
#                           User:ANONYMOUS, is a super user too: without it the combined node's
#                           broker half is refused by its own controller and never unfences.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

KAFKA_DIR="$REPO_ROOT/scripts/kafka"
POM="$KAFKA_DIR/pom.xml"
DEP_PLUGIN="org.apache.maven.plugins:maven-dependency-plugin:3.8.1"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM")"

HOST=127.0.0.1
PORT="${KAFKA_PORT:-9092}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
HOME_DIR="${KAFKA_HOME_DIR:-$REPO_ROOT/.infra/kafka}"
LIBS_DIR="${KAFKA_LIBS_DIR:-$REPO_ROOT/.infra/kafka/libs}"
START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
read -ra HEAP_OPTS <<<"${KAFKA_HEAP_OPTS:--Xms1g -Xmx1g}"
SASL_USERS="${KAFKA_SASL_USERS:-}"
SUPER_USER="${KAFKA_SUPER_USER:-admin}"
SUPER_PASSWORD=""
if [[ -n $SASL_USERS ]]; then
  [[ $SASL_USERS =~ ^[A-Za-z0-9_-]+=[A-Za-z0-9_-]+(,[A-Za-z0-9_-]+=[A-Za-z0-9_-]+)*$ ]] ||
    die "KAFKA_SASL_USERS must be name=password[,name=password...] of letters, digits, '_' and '-'."
  IFS=, read -ra SASL_PAIRS <<<"$SASL_USERS"
  for pair in "${SASL_PAIRS[@]}"; do
    [[ ${pair%%=*} == "$SUPER_USER" ]] && SUPER_PASSWORD="${pair#*=}"
  done
  [[ -n $SUPER_PASSWORD ]] || die "KAFKA_SUPER_USER '$SUPER_USER' is not one of KAFKA_SASL_USERS."
fi

[[ $PORT =~ ^[0-9]+$ && $CONTROLLER_PORT =~ ^[0-9]+$ ]] ||
  die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be numbers (got '$PORT', '$CONTROLLER_PORT')."
[[ $PORT != "$CONTROLLER_PORT" ]] || die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must differ."
# Absolute paths: the properties path identifies the broker process (see find_pid).
mkdir -p "$HOME_DIR"
HOME_DIR="$(cd "$HOME_DIR" && pwd)"

DATA_DIR="$HOME_DIR/data"
LOG_DIR="$HOME_DIR/logs"
PID_FILE="$HOME_DIR/kafka.pid"
PROPS="$HOME_DIR/server.properties"

JAVA_HINT="apt-get install openjdk-17-jre-headless"
MVN_HINT="apt-get install maven  (Maven also needs Java: apt-get install openjdk-17-jre-headless)"

# ---------------------------------------------------------------------------------------------
# Jars

# The marker names the Kafka version and the pom's hash, so editing the pom re-resolves.
libs_key() { echo "kafka $KAFKA_VERSION pom $(sha256sum "$POM" | cut -c1-16)"; }
libs_ready() { [[ -f $LIBS_DIR/.complete && "$(<"$LIBS_DIR/.complete")" == "$(libs_key)" ]]; }

resolve_libs() {
  libs_ready && return 0
  need_cmd java "$JAVA_HINT"
  need_cmd mvn "$MVN_HINT"
  mkdir -p "$(dirname "$LIBS_DIR")"
  # Brokers started in parallel (tests) must not resolve into the same folder at once.
  exec 8>"$LIBS_DIR.lock"
  flock 8
  if libs_ready; then
    exec 8>&-
    return 0
  fi

  local t0 tmp="$LIBS_DIR.tmp" mvn_log="$LIBS_DIR.mvn.log"
  t0=$(now_ms)
  rm -rf "$tmp"
  info "Resolving Kafka $KAFKA_VERSION jars with Maven into $LIBS_DIR ..."
  mvn_copy() {
    mvn -B -q "$@" -f "$POM" "$DEP_PLUGIN:copy-dependencies" \
      -DincludeScope=runtime -DoutputDirectory="$tmp"
  }
  # Offline first: instant when ~/.m2 already has everything, and works without network.
  if mvn_copy -o >"$mvn_log" 2>&1; then
    info "Resolved from the local Maven cache (~/.m2)."
  elif mvn_copy >"$mvn_log" 2>&1; then
    info "Downloaded from Maven Central."
  else
    tail -n 30 "$mvn_log" >&2
    die "Maven could not resolve the Kafka jars (full output: $mvn_log)."
  fi
  libs_key >"$tmp/.complete"
  # Swap in one step so a half-copied folder is never used.
  rm -rf "$LIBS_DIR"
  mv "$tmp" "$LIBS_DIR"
  rm -f "$mvn_log"
  exec 8>&-
  info "Jars ready ($(find "$LIBS_DIR" -name '*.jar' | wc -l) jars) in $(elapsed_s "$t0") s."
}

# ---------------------------------------------------------------------------------------------
# Process

# A live process whose command line is "... kafka.Kafka <our properties file>".
# (A zombie has an empty command line, so it does not count.)
is_our_broker() {
  local cmdline
  [[ $1 =~ ^[0-9]+$ ]] || return 1
  cmdline="$(tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline")" || return 1
  [[ $cmdline == *"kafka.Kafka $PROPS"* ]]
}

# Prints the broker's pid; the pid file first, else a scan of /proc in case the file was lost.
find_pid() {
  local pid f
  if [[ -f $PID_FILE ]]; then
    pid="$(<"$PID_FILE")"
    if is_our_broker "$pid"; then
      echo "$pid"
      return 0
    fi
  fi
  while read -r f; do
    pid="${f#/proc/}"
    pid="${pid%/cmdline}"
    if is_our_broker "$pid"; then
      echo "$pid" >"$PID_FILE"
      echo "$pid"
      return 0
    fi
  done < <(grep -alF -- "$PROPS" /proc/[0-9]*/cmdline 2>/dev/null)
  return 1
}

print_log_tail() {
  local f
  for f in "$LOG_DIR/server.log" "$LOG_DIR/kafka.out"; do
    if [[ -s $f ]]; then
      echo "----- last lines of $f" >&2
      tail -n 40 "$f" >&2
    fi
  done
}

write_props() {
  local text
  text="$(<"$KAFKA_DIR/server.properties.template")"
  text="${text//@PORT@/$PORT}"
  text="${text//@CONTROLLER_PORT@/$CONTROLLER_PORT}"
  text="${text//@DATA_DIR@/$DATA_DIR}"
  if [[ -n $SASL_USERS ]]; then
    # The client (and inter-broker) listener becomes SASL_PLAINTEXT, SCRAM-SHA-512 only.
    text="${text//PLAINTEXT:\/\//SASL_PLAINTEXT://}"
    text="${text//inter.broker.listener.name=PLAINTEXT/inter.broker.listener.name=SASL_PLAINTEXT}"
    text="${text//PLAINTEXT:PLAINTEXT/SASL_PLAINTEXT:SASL_PLAINTEXT}"
    text+="

# KAFKA_SASL_USERS: SCRAM users (created at format time) and ACLs.
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\"$SUPER_USER\" password=\"$SUPER_PASSWORD\";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:$SUPER_USER;User:ANONYMOUS"
  fi
  printf '%s\n' "$text" >"$PROPS"
}

# Kafka cluster ids are 16 random bytes in URL-safe base64 without padding. One leading "-"
# would be read as an option by the tool, as Kafka's own generator also avoids.
new_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ $id == -* ]] || break
  done
  echo "$id"
}

format_storage() {
  # meta.properties exists once formatted: skip a JVM start on every later start.
  [[ -f $DATA_DIR/meta.properties ]] && return 0
  local cid_file="$HOME_DIR/cluster.id"
  [[ -s $cid_file ]] || new_cluster_id >"$cid_file"
  mkdir -p "$DATA_DIR"
  local scram=() pair
  if [[ -n $SASL_USERS ]]; then
    for pair in "${SASL_PAIRS[@]}"; do
      scram+=(--add-scram "SCRAM-SHA-512=[name=${pair%%=*},password=${pair#*=}]")
    done
  fi
  # -g: an already formatted directory is not an error.
  if ! java -cp "$LIBS_DIR/*" -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" \
    -Dkafka.logs.dir="$LOG_DIR" \
    kafka.tools.StorageTool format -t "$(<"$cid_file")" -c "$PROPS" -g "${scram[@]}" \
    >"$LOG_DIR/format.log" 2>&1; then
    cat "$LOG_DIR/format.log" >&2
    die "Could not format the Kafka storage in $DATA_DIR."
  fi
}

launch() {
  rm -f "$PID_FILE"
  echo "===== $(date '+%F %T') starting Kafka $KAFKA_VERSION on $HOST:$PORT" >>"$LOG_DIR/kafka.out"
  # setsid: own session, so the broker outlives the calling shell and its Ctrl-C / hangup.
  # The inner shell writes its own pid and then becomes java (exec), so the pid is java's.
  # Fds 8/9 hold our locks: the broker must not inherit them.
  # shellcheck disable=SC2016 # $$ and $@ belong to the inner shell
  setsid bash -c 'echo $$ >"$0"; exec "$@"' "$PID_FILE" \
    java "${HEAP_OPTS[@]}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.xml" -Dkafka.logs.dir="$LOG_DIR" \
    -cp "$LIBS_DIR/*" kafka.Kafka "$PROPS" \
    </dev/null >>"$LOG_DIR/kafka.out" 2>&1 8>&- 9>&- &
}

# wait_ready <start_ms>: until the PLAINTEXT port accepts connections. It opens only once the
# broker is unfenced; the controller port opens earlier, so it says nothing.
wait_ready() {
  local t0=$1 deadline pid=""
  deadline=$(($(date +%s) + START_TIMEOUT))
  while (($(date +%s) < deadline)); do
    [[ -n $pid ]] || pid="$(cat "$PID_FILE" 2>/dev/null || true)"
    if port_open "$HOST" "$PORT"; then
      info "Kafka $KAFKA_VERSION ready on $HOST:$PORT in $(elapsed_s "$t0") s (pid $pid)."
      return 0
    fi
    if [[ -n $pid ]] && ! is_our_broker "$pid"; then
      print_log_tail
      die "Kafka exited during startup (logs in $LOG_DIR)."
    fi
    sleep 0.3
  done
  print_log_tail
  [[ -z $pid ]] || stop_pid "$pid"
  die "Kafka did not open $HOST:$PORT within $START_TIMEOUT s; stopped it (logs in $LOG_DIR)."
}

# alive <pid> <start time>: that very process (not a later one given the same pid) has not
# exited. Its command line is gone early in its exit, before its files — the data-dir lock among
# them — are closed, so the command line alone would let a restart race the old broker's lock.
alive() {
  local state started
  read -r state started < <(awk '{print $3, $22}' "/proc/$1/stat" 2>/dev/null) || return 1
  [[ $started == "$2" && $state != Z ]]
}

# SIGTERM runs the broker's shutdown hook (clean log close). Give it 30 s, then force.
stop_pid() {
  local pid=$1 i started
  started="$(awk '{print $22}' "/proc/$pid/stat" 2>/dev/null)"
  kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 100; i++)); do
    alive "$pid" "$started" || break
    sleep 0.3
  done
  if alive "$pid" "$started"; then
    warn "Kafka did not stop within 30 s; sending SIGKILL."
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid" "$started"; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
}

# ---------------------------------------------------------------------------------------------
# Commands

cmd_start() {
  local pid t0
  t0=$(now_ms)
  if port_open "$HOST" "$PORT"; then
    if pid="$(find_pid)"; then
      info "Kafka already running on $HOST:$PORT (pid $pid); reusing it."
    else
      info "Something already answers on $HOST:$PORT (not started from $HOME_DIR); reusing it."
    fi
    return 0
  fi
  need_cmd java "$JAVA_HINT"
  mkdir -p "$DATA_DIR" "$LOG_DIR"

  # One start at a time per home dir; a second caller waits, then finds the port open.
  exec 9>"$HOME_DIR/.start.lock"
  flock 9
  if port_open "$HOST" "$PORT"; then
    info "Kafka already running on $HOST:$PORT; reusing it."
    return 0
  fi
  if pid="$(find_pid)"; then
    # Launched earlier (or by a caller that gave up) and still starting: wait for it.
    info "Kafka process $pid is starting; waiting for $HOST:$PORT ..."
    wait_ready "$t0"
    return 0
  fi
  if port_open "$HOST" "$CONTROLLER_PORT"; then
    die "Port $HOST:$CONTROLLER_PORT (controller) is taken by another process; set KAFKA_CONTROLLER_PORT."
  fi

  resolve_libs
  write_props
  format_storage
  info "Starting Kafka $KAFKA_VERSION on $HOST:$PORT (data in $DATA_DIR) ..."
  launch
  wait_ready "$t0"
}

cmd_stop() {
  local pid t0
  t0=$(now_ms)
  if ! pid="$(find_pid)"; then
    rm -f "$PID_FILE"
    if port_open "$HOST" "$PORT"; then
      info "Something answers on $HOST:$PORT but was not started from $HOME_DIR; leaving it."
    else
      info "Kafka is not running ($HOST:$PORT)."
    fi
    return 0
  fi
  info "Stopping Kafka (pid $pid) ..."
  stop_pid "$pid"
  info "Kafka stopped in $(elapsed_s "$t0") s."
}

cmd_status() {
  local pid
  if pid="$(find_pid)"; then
    if port_open "$HOST" "$PORT"; then
      info "Kafka running on $HOST:$PORT (pid $pid, data in $DATA_DIR)."
      return 0
    fi
    info "Kafka process $pid is up but $HOST:$PORT does not answer (starting, or stuck: see logs)."
    return 1
  fi
  if port_open "$HOST" "$PORT"; then
    info "Something answers on $HOST:$PORT (not started from $HOME_DIR)."
    return 0
  fi
  info "Kafka is not running ($HOST:$PORT)."
  return 1
}

cmd_logs() {
  local f="$LOG_DIR/server.log"
  [[ -f $f ]] || die "No log yet ($f)."
  if [[ ${1:-} == -f ]]; then
    exec tail -n 50 -F "$f"
  fi
  tail -n 100 "$f"
}

case "${1:-}" in
start) cmd_start ;;
stop) cmd_stop ;;
status) cmd_status ;;
restart)
  cmd_stop
  cmd_start
  ;;
logs) cmd_logs "${2:-}" ;;
classpath)
  resolve_libs >&2
  echo "$LIBS_DIR/*"
  ;;
*)
  echo "Usage: $0 {start|stop|status|restart|logs [-f]|classpath}" >&2
  exit 2
  ;;
esac
