#!/usr/bin/env bash
# Issue 6's latency benchmark: CheckpointCreated → complete EvaluationReport on the full MNIST test split, broker
# and services as separate processes, peak RSS per service. Writes integration-tests/target/latency.json.
#   scripts/bench-latency.sh [IMAGES (default 10000)] [EPS (default 0.1)] [-Drobustcert.bench.X=... ...]
# Settings (README, "Latency"): robustcert.bench.nd4j-threads (N, or certifier:attack), robustcert.bench.shard-size,
# robustcert.bench.certifier-shard-consumers, robustcert.bench.certifier-batch.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/fetch-data.sh"
cd "$root"
mvn -B -ntp -q install -DskipTests -pl integration-tests -am
mvn -B -ntp -q test -pl integration-tests -Dtest=FlowLatencyBenchmark -Drobustcert.bench.latency=true \
  -Drobustcert.bench.images="${1:-10000}" -Drobustcert.bench.eps="${2:-0.1}" "${@:3}"
cat integration-tests/target/latency.json
