#!/usr/bin/env bash
# Issue 7's scale-out benchmark: shards per second with one and with two instances of the certifier and of the
# attack service (separate processes) on one sharded checkpoint. Writes integration-tests/target/shards.json.
#   scripts/bench-shards.sh [IMAGES (default 2000)] [SHARD (default 100)]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/fetch-data.sh"
cd "$root"
mvn -B -ntp -q install -DskipTests -pl integration-tests -am
mvn -B -ntp -q test -pl integration-tests -Dtest=ShardThroughputBenchmark -Drobustcert.bench.shards=true \
  -Drobustcert.bench.images="${1:-2000}" -Drobustcert.bench.shard="${2:-100}"
cat integration-tests/target/shards.json
