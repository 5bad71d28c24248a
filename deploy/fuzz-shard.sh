#!/bin/sh
# One shard of a sharded fuzz campaign: the command every pod of the Kubernetes
# Indexed Job runs (deploy/k8s/fuzz-job.yaml), and the command
# deploy/run-shards-locally.sh runs for each index, so a campaign behaves the same
# on a laptop and on a cluster.
#
# Shard K of N (K = $JOB_COMPLETION_INDEX, N = $SHARDS) fuzzes its deterministic
# slice of $SEEDS on $SCENARIO and writes under $OUT_ROOT/shard-K/:
#   traces/      a trace per failure (replay and shrink commands are in the log)
#   junit.xml    JUnit XML for the shard
#   exit-code    faultline's exit code: 0 pass, 1 a property violated, 2 stuck or
#                unknown, 3 bad input
# and exits with faultline's exit code, which the Job's podFailurePolicy reads.
#
# Environment: SCENARIO, SEEDS (A..B), SHARDS, JOB_COMPLETION_INDEX (required);
# OUT_ROOT (default /out), FAULTLINE (the binary, default `faultline` on PATH),
# TIME_BUDGET (e.g. 50m: stop cleanly and report the seeds covered), FUZZ_ARGS
# (more `faultline fuzz` options, split on spaces, e.g. `--bug raft.stale_read`).
set -eu

: "${SCENARIO:?set SCENARIO to a scenario file}"
: "${SEEDS:?set SEEDS to a seed range A..B}"
: "${SHARDS:?set SHARDS to the number of shards}"
: "${JOB_COMPLETION_INDEX:?set JOB_COMPLETION_INDEX to this shard index}"
OUT_ROOT="${OUT_ROOT:-/out}"
FAULTLINE="${FAULTLINE:-faultline}"

dir="$OUT_ROOT/shard-$JOB_COMPLETION_INDEX"
mkdir -p "$dir"
rm -f "$dir/exit-code"

set +e
# FUZZ_ARGS is split into words on purpose: it holds options.
# shellcheck disable=SC2086
"$FAULTLINE" fuzz "$SCENARIO" \
    --seeds "$SEEDS" \
    --shard "$JOB_COMPLETION_INDEX/$SHARDS" \
    --swarm --keep-going \
    ${TIME_BUDGET:+--time-budget "$TIME_BUDGET"} \
    --out "$dir/traces" \
    --junit "$dir/junit.xml" \
    ${FUZZ_ARGS:-}
code=$?
set -e

echo "$code" > "$dir/exit-code"
exit "$code"
