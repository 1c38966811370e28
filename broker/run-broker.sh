#!/usr/bin/env bash
# Runs a single-node KRaft Kafka broker on loopback as its own process, from Kafka's Maven Central jars
# (no Docker). Ctrl-C or SIGTERM stops it cleanly; its records stay under --dir for the next start.
#   broker/run-broker.sh [--dir DIR] [--port 9092] [--controller-port 9093] [--host 127.0.0.1]
# Extra JVM options: BROKER_JAVA_OPTS (default -Xmx512m).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/broker/target/robustcert-broker.jar"
if [ ! -f "$jar" ] || [ -n "$(find "$root/broker/src" "$root/broker/pom.xml" -newer "$jar" -print -quit)" ]; then
  (cd "$root" && mvn -B -ntp -q -pl broker -am package -DskipTests) >&2
fi
args=("$@")
case " $* " in
  *" --dir "*) ;;
  *) args+=(--dir "$root/target/kafka") ;;
esac
# exec: the JVM itself receives SIGTERM/SIGINT, and kafka.Kafka's shutdown hook stops the broker.
# shellcheck disable=SC2086
exec java ${BROKER_JAVA_OPTS:--Xmx512m} -cp "$jar:$root/broker/target/lib/*" io.robustcert.broker.KraftBroker "${args[@]}"
