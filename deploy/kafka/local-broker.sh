#!/usr/bin/env bash
# A real Apache Kafka broker on 127.0.0.1 for tests and CI, from Maven Central (no Docker):
#
#   bash deploy/kafka/local-broker.sh start   # prints KAFKA_BROKERS=127.0.0.1:<port>
#   bash deploy/kafka/local-broker.sh stop    # ends it and removes its data
#   bash deploy/kafka/local-broker.sh status
#
# Maven resolves the broker's jars (deploy/kafka/pom.xml: kafka_2.13, the 3.9 line of
# docker-compose.yml's image) into the local Maven repository, so a second start needs no network.
# One KRaft node is both broker and controller; its storage is formatted in a fresh folder.
#
# Environment: KAFKA_VERSION (default the pom's), KAFKA_PORT (default 19092; the controller takes
# the next port), KAFKA_LOCAL_DIR (state: pid, logs, data; default $TMPDIR/fuju-kafka-<port>),
# KAFKA_JAVA_HOME (a JDK for 4.x lines when the default is too old).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
version="${KAFKA_VERSION:-$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$here/pom.xml")}"
port="${KAFKA_PORT:-19092}"
controller_port=$((port + 1))
state="${KAFKA_LOCAL_DIR:-${TMPDIR:-/tmp}/fuju-kafka-$port}"
jars="${KAFKA_JARS_DIR:-${HOME}/.cache/fuju-ledger/kafka-$version}"
java="${KAFKA_JAVA_HOME:+$KAFKA_JAVA_HOME/bin/}java"
say() { echo "local-broker: $*" >&2; }

resolve_jars() {
  if [ -f "$jars/.complete" ]; then return; fi
  say "resolving org.apache.kafka:kafka_2.13:$version and its runtime dependencies from Maven Central into $jars"
  rm -rf "$jars"
  mkdir -p "$jars"
  mvn -q -B -f "$here/pom.xml" "-Dkafka.version=$version" \
    dependency:copy-dependencies -DincludeScope=runtime "-DoutputDirectory=$jars" >&2
  touch "$jars/.complete"
}

running() { [ -f "$state/pid" ] && kill -0 "$(cat "$state/pid")" 2>/dev/null; }

wait_for_topics() {
  # Ready when a Kafka client (kafkajs, the one the project uses) can list the topics.
  local deadline=$((SECONDS + ${KAFKA_START_TIMEOUT:-120}))
  until (cd "$root" && node --input-type=module -e "
    import { Kafka, logLevel } from 'kafkajs';
    const admin = new Kafka({ brokers: ['127.0.0.1:$port'], logLevel: logLevel.NOTHING, retry: { retries: 0 } }).admin();
    await admin.connect(); await admin.listTopics(); await admin.disconnect();
  " >/dev/null 2>&1); do
    if ! running; then
      say "the broker exited; its log:"
      tail -n 40 "$state/broker.log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then
      say "no answer from 127.0.0.1:$port within ${KAFKA_START_TIMEOUT:-120} s; its log:"
      tail -n 40 "$state/broker.log" >&2 || true
      exit 1
    fi
    sleep 1
  done
}

start() {
  if running; then
    say "already running (pid $(cat "$state/pid"))"
    echo "KAFKA_BROKERS=127.0.0.1:$port"
    return
  fi
  resolve_jars
  rm -rf "$state"
  mkdir -p "$state/data"
  cat > "$state/server.properties" <<EOF
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$state/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
EOF
  # 3.9 logs through reload4j, 4.x through log4j2: one quiet config for each.
  cat > "$state/log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stdout
log4j.appender.stdout=org.apache.log4j.ConsoleAppender
log4j.appender.stdout.layout=org.apache.log4j.PatternLayout
log4j.appender.stdout.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
EOF
  cat > "$state/log4j2.properties" <<'EOF'
rootLogger.level=WARN
rootLogger.appenderRef.stdout.ref=STDOUT
appender.stdout.type=Console
appender.stdout.name=STDOUT
appender.stdout.layout.type=PatternLayout
appender.stdout.layout.pattern=[%d] %p %m (%c)%n
EOF
  local logging=(-Dlog4j.configuration="file:$state/log4j.properties" -Dlog4j2.configurationFile="$state/log4j2.properties")
  local heap=(-Xms256m -Xmx512m)
  local cluster
  cluster="$("$java" -cp "$jars/*" "${logging[@]}" kafka.tools.StorageTool random-uuid)"
  "$java" -cp "$jars/*" "${logging[@]}" kafka.tools.StorageTool format -t "$cluster" -c "$state/server.properties" >"$state/format.log" 2>&1 || {
    say "formatting KRaft storage failed:"
    cat "$state/format.log" >&2
    exit 1
  }
  say "starting Kafka $version on 127.0.0.1:$port (controller :$controller_port, data $state)"
  nohup "$java" "${heap[@]}" -cp "$jars/*" "${logging[@]}" kafka.Kafka "$state/server.properties" >"$state/broker.log" 2>&1 </dev/null &
  echo $! > "$state/pid"
  wait_for_topics
  say "ready (pid $(cat "$state/pid"))"
  echo "KAFKA_BROKERS=127.0.0.1:$port"
}

stop() {
  if running; then
    local pid
    pid="$(cat "$state/pid")"
    kill "$pid"
    for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
    kill -9 "$pid" 2>/dev/null || true
    say "stopped (pid $pid)"
  fi
  rm -rf "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) if running; then echo "running: KAFKA_BROKERS=127.0.0.1:$port (pid $(cat "$state/pid"))"; else echo "not running"; exit 1; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
