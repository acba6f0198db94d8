#!/bin/sh
# test_mpi.sh TECHRACE — an ensemble and a comparison under mpirun with 1, 2
# and 3 processes give the same database as the threaded run.
set -eu
bin="$1"
command -v mpirun >/dev/null || { echo "mpirun not found: make deps installs openmpi-bin"; exit 1; }
. "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
# As root in a container: allow it, and let 3 ranks share 2 cores. Leaks
# inside the MPI runtime are not ours.
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"
short="--set calendar.end=2004"
"$bin" ensemble --runs 7 --threads 2 $short --out thr.db --quiet
sq thr.db .dump > thr.sql
for np in 1 2 3; do
    mpirun -np $np "$bin" ensemble --runs 7 $short --out np$np.db --quiet
    sq np$np.db .dump | cmp -s - thr.sql || fail "mpirun -np $np differs from the threaded ensemble"
done
"$bin" compare default $short --set-b countries.US.rd_intensity=0.05 --runs 3 --out cthr.db --quiet
mpirun -np 3 "$bin" compare default $short --set-b countries.US.rd_intensity=0.05 --runs 3 --out cmpi.db --quiet
[ "$(sq cthr.db .dump)" = "$(sq cmpi.db .dump)" ] || fail "compare under mpirun -np 3 differs"
"$bin" ensemble --runs 3 --threads 2 $short --keep all --out athr.db --quiet
mpirun -np 2 "$bin" ensemble --runs 3 $short --keep all --out ampi.db --quiet
[ "$(sq athr.db .dump)" = "$(sq ampi.db .dump)" ] || fail "--keep all under mpirun -np 2 differs"
"$bin" sweep $short --param 'countries.US.rd_intensity*=0.8:1.2:3' --runs 2 --out sthr.db --quiet
mpirun -np 3 "$bin" sweep $short --param 'countries.US.rd_intensity*=0.8:1.2:3' --runs 2 --out smpi.db --quiet
[ "$(sq sthr.db .dump)" = "$(sq smpi.db .dump)" ] || fail "sweep under mpirun -np 3 differs"
# rank 0 refusing the output releases the workers (no hang) and fails
if mpirun -np 3 "$bin" ensemble --runs 7 $short --out thr.db --quiet 2>/dev/null; then fail "overwrote under MPI"; fi
echo "mpi: ok"
