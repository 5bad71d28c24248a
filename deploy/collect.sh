#!/bin/sh
# Collects a sharded fuzz campaign written by deploy/fuzz-shard.sh: merges every
# shard's JUnit into DIR/junit.xml (one <testsuites> holding each shard's
# <testsuite>), prints one line per shard (its exit code and failure traces) and the
# command that replays each trace, and exits 0 only when every shard passed.
#
# Usage: deploy/collect.sh DIR [EXPECTED_SHARDS]
#   DIR              holds shard-0/, shard-1/, ... (the Job's /out/<job name>)
#   EXPECTED_SHARDS  when given, a shard directory that is missing counts as a
#                    shard that did not finish
# Exit: 0 every shard passed; otherwise the worst shard's faultline exit code
# (1 a property violated, 2 stuck or unknown, 3 bad input), and 3 for a shard that
# did not finish (no exit-code file) or died with another status (killed, OOM).
set -eu

if [ $# -lt 1 ] || [ $# -gt 2 ]; then
    echo "usage: $0 DIR [EXPECTED_SHARDS]" >&2
    exit 3
fi
dir=$1
expected=${2:-}
if [ ! -d "$dir" ]; then
    echo "error: $dir: no such directory" >&2
    exit 3
fi

# Shard indexes present, in numeric order (plus the expected ones).
indexes=$(
    {
        for shard in "$dir"/shard-*; do
            [ -d "$shard" ] && echo "${shard##*/shard-}"
        done
        if [ -n "$expected" ]; then
            i=0
            while [ "$i" -lt "$expected" ]; do echo "$i"; i=$((i + 1)); done
        fi
    } | sort -n -u
)
if [ -z "$indexes" ]; then
    echo "error: $dir holds no shard-K directories" >&2
    exit 3
fi

worst=0
merged_suites=$(mktemp)
trap 'rm -f "$merged_suites"' EXIT
tests=0 failures=0 errors=0
for i in $indexes; do
    shard="$dir/shard-$i"
    traces=0
    if [ -d "$shard/traces" ]; then
        traces=$(find "$shard/traces" -name '*.trace.jsonl' | wc -l | tr -d ' ')
    fi
    if [ -f "$shard/exit-code" ]; then
        code=$(cat "$shard/exit-code")
    else
        code=none
    fi
    case $code in
        0) what="passed" severity=0 ;;
        1) what="FOUND A BUG (a property was violated)" severity=1 ;;
        2) what="STUCK or UNKNOWN within budget" severity=2 ;;
        3) what="BAD INPUT" severity=3 ;;
        none) what="DID NOT FINISH (no exit code)" severity=3 ;;
        *) what="DIED (exit $code)" severity=3 ;;
    esac
    [ "$severity" -gt "$worst" ] && worst=$severity
    echo "shard $i: exit $code, $what, $traces failure trace(s)"
    if [ -f "$shard/junit.xml" ]; then
        # The suites of a shard's file (every line inside its <testsuites>),
        # each named after its shard.
        sed -e '/^<?xml/d' -e '/^<testsuites/d' -e '/^<\/testsuites>/d' \
            -e "s/^<testsuite name=\"/<testsuite name=\"shard $i: /" \
            "$shard/junit.xml" >> "$merged_suites"
        counts=$(sed -n 's/^<testsuite [^>]*tests="\([0-9]*\)" failures="\([0-9]*\)" errors="\([0-9]*\)".*/\1 \2 \3/p' "$shard/junit.xml")
        # shellcheck disable=SC2086 # three numbers per suite, split on purpose
        set -- $counts
        while [ $# -ge 3 ]; do
            tests=$((tests + $1)) failures=$((failures + $2)) errors=$((errors + $3))
            shift 3
        done
    fi
done

{
    echo '<?xml version="1.0" encoding="UTF-8"?>'
    echo "<testsuites name=\"faultline fuzz campaign\" tests=\"$tests\" failures=\"$failures\" errors=\"$errors\">"
    cat "$merged_suites"
    echo '</testsuites>'
} > "$dir/junit.xml.tmp"
mv "$dir/junit.xml.tmp" "$dir/junit.xml"
echo "merged JUnit: $dir/junit.xml ($tests test cases, $failures failures, $errors errors)"

trace_list=$(find "$dir" -path "$dir/shard-*/traces/*.trace.jsonl" | sort)
if [ -n "$trace_list" ]; then
    echo "failure traces:"
    echo "$trace_list" | while IFS= read -r trace; do
        echo "  $trace"
        echo "    replay: faultline replay '$trace'"
        echo "    shrink: faultline shrink '$trace' -o minimal.json"
    done
fi
exit "$worst"
