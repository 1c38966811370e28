#!/usr/bin/env bash
# The main job: the platform on this machine, on loopback. Builds what is missing, starts a single-node
# KRaft broker (broker/run-broker.sh) and the services as separate processes, asks the trainer over gRPC to
# train mnist_small on real MNIST for a few epochs, and prints its progress, each CheckpointCreated and each
# evaluation report as it arrives. Ctrl-C (or the end of the job) stops the services first, then the broker.
#   scripts/run-platform.sh [--images N] [--epochs E] [--epsilon EPS] [--method ibp|crown-ibp|ours|cap]
#                           [--eval-images N] [--report-timeout SECONDS]
# Environment: ROBUSTCERT_RUN_DIR (default target/platform: broker data, checkpoint store, service logs),
# ROBUSTCERT_DATA_DIR (datasets; MNIST is fetched there if missing), the ports KAFKA_PORT (9092; its
# controller listens on the next port), TRAINER_PORT (8091), CERTIFIER_PORT (8092), ATTACK_PORT (8093).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
run_dir="${ROBUSTCERT_RUN_DIR:-$root/target/platform}"
kafka_port="${KAFKA_PORT:-9092}"
bootstrap="127.0.0.1:$kafka_port"
# The services' own ports (application.properties of each).
declare -A ports=([trainer-service]=${TRAINER_PORT:-8091} [certifier-service]=${CERTIFIER_PORT:-8092}
                  [attack-service]=${ATTACK_PORT:-8093})
services=(trainer-service certifier-service attack-service)
mkdir -p "$run_dir/logs" "$run_dir/store"

log() { printf '[platform] %s\n' "$*"; }

"$root/scripts/fetch-data.sh" | sed 's/^/[platform] /'

log "building broker and services (mvn package -DskipTests; logs in $run_dir/logs/build.log)"
(cd "$root" && mvn -B -ntp -pl broker,trainer-service,certifier-service,attack-service -am package -DskipTests \
  >"$run_dir/logs/build.log" 2>&1) || { log "build failed: see $run_dir/logs/build.log"; exit 1; }

pids=()
names=()
stop_all() {
  trap - INT TERM EXIT
  # Services first (in reverse start order), then the broker, which is pids[0].
  local i
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
    if kill -0 "${pids[i]}" 2>/dev/null; then
      log "stopping ${names[i]}"
      kill -TERM "${pids[i]}" 2>/dev/null || true
      wait "${pids[i]}" 2>/dev/null || true
    fi
  done
  log "stopped; logs in $run_dir/logs, checkpoints in $run_dir/store"
}
trap 'stop_all; exit 130' INT TERM
trap stop_all EXIT

wait_for() { # name, command: polls the command for up to 120 s while the process lives
  local name=$1 pid=$2; shift 2
  for _ in $(seq 1 240); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    kill -0 "$pid" 2>/dev/null || { log "$name exited during start: see $run_dir/logs/$name.log"; exit 1; }
    sleep 0.5
  done
  log "$name did not become ready in 120 s: see $run_dir/logs/$name.log"
  exit 1
}

log "starting the broker on $bootstrap"
"$root/broker/run-broker.sh" --dir "$run_dir/kafka" --port "$kafka_port" --controller-port "$((kafka_port + 1))" >"$run_dir/logs/broker.log" 2>&1 &
pids+=($!); names+=(broker)
wait_for broker "${pids[0]}" bash -c "exec 3<>/dev/tcp/127.0.0.1/$kafka_port"

# -Xmn64m: an ND4J array holds its native memory until the collector finds its Java object unreachable, so a
# young generation G1 sizes for throughput (hundreds of MiB) lets that much native garbage pile up between
# collections; a small one collects every 64 MiB of allocation and keeps the services' RSS near their working set
# (SoakTest: certifier growth over a 20-checkpoint burst +289 MiB with G1's sizing, +172 MiB with -Xmn64m).
# -XX:+UseSerialGC: G1 still grew the old generation by 150-220 MiB over that burst (it expands the heap when
# collections take more than its time target, and these services allocate fast: PGD's Java-side points); the
# serial collector grows it only as far as the live data needs: +57-117 MiB, and no slower (latency benchmark).
jvm=(-Xmx1g -Xmn64m -XX:+UseSerialGC -Dorg.bytedeco.javacpp.maxbytes=2G -Dorg.bytedeco.javacpp.maxphysicalbytes=3G)
for s in "${services[@]}"; do
  jar="$root/$s/target/quarkus-app/quarkus-run.jar"
  if [ ! -f "$jar" ]; then
    log "$s: not built as a service on this branch (no $s/target/quarkus-app); not started"
    continue
  fi
  extra=()
  threads="${OMP_NUM_THREADS:-}"
  if [ "$s" != trainer-service ]; then
    # The certifier and the attacker ship libnd4j's oneDNN build; the trainer the plain one (its CUDA variant differs).
    extra=(-Dorg.bytedeco.javacpp.platform.extension=-onednn)
    # They evaluate side by side: half the cores each for ND4J's threads (all cores each oversubscribe the
    # machine: 1.7x slower, README "Latency"). OMP_NUM_THREADS set by the caller wins.
    [ -z "$threads" ] && threads=$(( $(nproc) / 2 > 0 ? $(nproc) / 2 : 1 ))
  fi
  log "starting $s on 127.0.0.1:${ports[$s]}"
  KAFKA_BOOTSTRAP_SERVERS="$bootstrap" ROBUSTCERT_STORE_ROOT="$run_dir/store" QUARKUS_HTTP_PORT="${ports[$s]}" \
    env ${threads:+OMP_NUM_THREADS="$threads"} java "${jvm[@]}" "${extra[@]}" -jar "$jar" >"$run_dir/logs/$s.log" 2>&1 &
  pids+=($!); names+=("$s")
  wait_for "$s" "$!" curl -fsS "http://127.0.0.1:${ports[$s]}/q/health/ready"
done

app="$root/trainer-service/target/quarkus-app"
set +e
# The client runs outside Quarkus, whose SLF4J binding needs its log manager: the Kafka client's logs are dropped.
java -Dslf4j.internal.verbosity=WARN -Dslf4j.provider=org.slf4j.helpers.NOP_FallbackServiceProvider -cp "$app/app/*:$app/lib/main/*" \
  io.robustcert.trainer.client.PlatformJob \
  --trainer "127.0.0.1:${ports[trainer-service]}" --bootstrap-servers "$bootstrap" "$@"
status=$?
set -e
exit $status
