#!/usr/bin/env bash
# Throughput of robustcert's bound core (FAST precision) against the PyTorch reference, same machine.
#
#   bench/run.sh --repeats 5            # from the repo root (or from anywhere)
#   bench/run.sh --help                 # all options
#   bench/run.sh profile --models mnist_medium --tasks crown_ibp   # per-layer timings of the Java side
#
# Builds bench (and core) if the jar is missing or older than the sources, then runs
# io.robustcert.bench.Bench; the report goes to bench/results/latest.json.
# Environment: BENCH_THREADS (default 2) sets OMP_NUM_THREADS etc. for Java and PyTorch alike;
# ND4J_EXTENSION overrides the native build (-onednn-avx512 / -onednn); BENCH_JAVA_OPTS adds JVM options;
# BENCH_REBUILD=1 forces a build.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JAR=bench/target/robustcert-bench.jar
LIB=bench/target/lib

needs_build() {
  local core_jar
  core_jar=$(ls "$LIB"/robustcert-core-*.jar 2>/dev/null | head -n 1)
  [[ -n "${BENCH_REBUILD:-}" || ! -f $JAR || -z $core_jar ]] && return 0
  [[ -n "$(find pom.xml bench/pom.xml bench/src/main -newer "$JAR" -print -quit 2>/dev/null)" ||
     -n "$(find core/pom.xml core/src/main -newer "$core_jar" -print -quit 2>/dev/null)" ]]
}

if needs_build; then
  echo "building bench (mvn install -DskipTests -pl bench -am)..." >&2
  # Offline first (fast when ~/.m2 is complete), then online for whatever is missing.
  mvn -q -o install -DskipTests -pl bench -am || mvn -q install -DskipTests -pl bench -am
fi

# libnd4j with oneDNN: the AVX-512 build where the CPU has it.
if [[ -z "${ND4J_EXTENSION:-}" ]]; then
  if grep -qw avx512f /proc/cpuinfo 2>/dev/null; then ND4J_EXTENSION=-onednn-avx512; else ND4J_EXTENSION=-onednn; fi
fi

# Same thread budget for ND4J (OpenMP, its own pools, OpenBLAS) and for PyTorch.
THREADS="${BENCH_THREADS:-2}"
export OMP_NUM_THREADS="$THREADS" OPENBLAS_NUM_THREADS="$THREADS" MKL_NUM_THREADS="$THREADS"
export SD_MAX_THREADS="$THREADS" SD_MASTER_THREADS="$THREADS"

MAIN=io.robustcert.bench.Bench
if [[ "${1:-}" == profile ]]; then MAIN=io.robustcert.bench.Profile; shift; fi

# ND4J keeps tensors off-heap and frees them only when their Java objects are collected. Cap the heap and
# JavaCPP's off-heap limits as the rest of the project does; note that ND4J 1.0.0-M2.1 allocates its data
# buffers natively, outside JavaCPP's byte count, so maxbytes does not bound them (maxphysicalbytes, an RSS
# check made on JavaCPP's own small allocations, is the backstop). The benchmark itself calls System.gc()
# between calls (untimed) once RSS has grown by --gc-growth-mib, which keeps RSS under 1 GiB.
exec java -Xmx1g \
  -Dorg.bytedeco.javacpp.maxbytes=2G -Dorg.bytedeco.javacpp.maxphysicalbytes=3G \
  -Dorg.bytedeco.javacpp.platform.extension="$ND4J_EXTENSION" \
  -Drobustcert.root="$ROOT" \
  ${BENCH_JAVA_OPTS:-} \
  -cp "$JAR:$LIB/*" "$MAIN" "$@"
