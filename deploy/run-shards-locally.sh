#!/bin/sh
# Runs a sharded fuzz campaign on this machine exactly as the Kubernetes Indexed Job
# runs it (deploy/k8s/fuzz-job.yaml): the same script, deploy/fuzz-shard.sh, once
# per completion index, one after the other, then merges the shards' results with
# deploy/collect.sh. Use it to try a campaign before sending it to a cluster, or to
# reproduce what one shard of it did.
#
# Usage: deploy/run-shards-locally.sh N SCENARIO SEEDS [FUZZ OPTION...]
#   e.g. deploy/run-shards-locally.sh 4 scenarios/raft/basic_agreement.json 0..64
#        deploy/run-shards-locally.sh 4 scenarios/raft/nemesis.json 0..64 --bug raft.stale_read
# Environment: FAULTLINE, the binary (default target/fuzz/faultline);
# OUT_ROOT, where shard-K/ directories go (default traces/shards; it is emptied
# first); TIME_BUDGET as for fuzz-shard.sh.
# Exit: what collect.sh says: 0 when every shard passed, 1 when one found a bug,
# 2 when one was stuck, 3 on bad input or a shard that died.
set -eu

if [ $# -lt 3 ]; then
    echo "usage: $0 N SCENARIO SEEDS [FUZZ OPTION...]" >&2
    exit 3
fi
shards=$1
scenario=$2
seeds=$3
shift 3
case $shards in
    '' | *[!0-9]* | 0)
        echo "error: N must be a positive number of shards, not '$shards'" >&2
        exit 3
        ;;
esac
here=$(dirname "$0")
FAULTLINE=${FAULTLINE:-target/fuzz/faultline}
OUT_ROOT=${OUT_ROOT:-traces/shards}
if [ ! -x "$FAULTLINE" ] && ! command -v "$FAULTLINE" > /dev/null 2>&1; then
    echo "error: no faultline binary at $FAULTLINE (build it with \`cargo build --profile fuzz -p faultline-cli\` or set FAULTLINE)" >&2
    exit 3
fi
rm -rf "$OUT_ROOT"
mkdir -p "$OUT_ROOT"

index=0
while [ "$index" -lt "$shards" ]; do
    echo "== shard $index/$shards" >&2
    code=0
    JOB_COMPLETION_INDEX=$index SHARDS=$shards SCENARIO=$scenario SEEDS=$seeds \
        OUT_ROOT=$OUT_ROOT FAULTLINE=$FAULTLINE FUZZ_ARGS="$*" \
        "$here/fuzz-shard.sh" || code=$?
    echo "== shard $index/$shards exited $code" >&2
    index=$((index + 1))
done

echo "== results" >&2
exec "$here/collect.sh" "$OUT_ROOT" "$shards"
