#!/bin/sh
# bench_ensemble.sh BUILD_DIR — ensembles of the default scenario, measured
# side by side in one run: 1 vs 2 threads, MPI ranks vs threads for the
# same work, and a large ensemble's wall time, peak memory and MB per run.
# BENCH_RUNS (default 1000) sets the size of the large ensemble; BENCH_SMALL
# (default 16) the runs of the side-by-side comparisons.
set -eu
bin="$1/techrace"
big="${BENCH_RUNS:-1000}"
small="${BENCH_SMALL:-16}"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
# wall seconds and peak resident KB of a command (polls /proc; Linux)
measure() {
    t0=$(now)
    "$@" &
    pid=$!
    peak=0
    while kill -0 "$pid" 2>/dev/null; do
        hwm=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status" 2>/dev/null || echo 0)
        [ -n "$hwm" ] && [ "$hwm" -gt "$peak" ] && peak=$hwm
        sleep 0.2
    done
    wait "$pid"
    t1=$(now)
    wall=$(calc "$t1 - $t0")
}
echo "ensemble benchmark: default scenario 2000-2035, $(nproc) cores"
measure "$bin" ensemble --runs "$small" --threads 1 --out "$tmp/t1.db" --quiet; w1=$wall
measure "$bin" ensemble --runs "$small" --threads 2 --out "$tmp/t2.db" --quiet; w2=$wall
printf '  %d runs, 1 thread : %6.2f s\n' "$small" "$w1"
printf '  %d runs, 2 threads: %6.2f s   speed-up %.2fx\n' "$small" "$w2" "$(calc "$w1 / $w2")"
if command -v mpirun >/dev/null; then
    export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
    measure mpirun -np 3 "$bin" ensemble --runs "$small" --out "$tmp/m3.db" --quiet; wm=$wall
    printf '  %d runs, mpirun -np 3 (1 writer, 2 workers): %6.2f s   MPI / threads %.2fx\n' "$small" "$wm" \
        "$(calc "$wm / $w2")"
fi
measure "$bin" ensemble --runs "$big" --threads 2 --out "$tmp/big.db" --quiet
size=$(stat -c %s "$tmp/big.db")
printf '  %d runs, 2 threads: %7.1f s (%.2f s a run), peak RSS %.0f MB, database %.0f MB\n' "$big" "$wall" \
    "$(calc "$wall / $big")" "$(calc "$peak / 1024")" "$(calc "$size / 1048576")"
"$bin" ensemble --runs 2 --threads 2 --out "$tmp/two.db" --quiet
size2=$(stat -c %s "$tmp/two.db")
printf '  storage: %.2f MB a run (compact), aggregates %.0f MB\n' \
    "$(calc "($size - $size2) / ($big - 2) / 1048576")" "$(calc "$size2 / 1048576")"
