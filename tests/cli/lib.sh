# lib.sh — what the CLI tests share. A test sources it after reading its
# arguments:  . "${TR_SOURCE_DIR:?}/tests/cli/lib.sh"
# It makes a temporary directory, removed at exit, and enters it.
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
sq() { sqlite3 -init /dev/null -batch "$@"; }
fail() { echo "FAIL: $*"; exit 1; }
# wait_runs DB N: wait until the experiment database DB holds N runs (at
# most ~30 s).
wait_runs() {
    _i=0
    while [ "$(sq -readonly "$1" "select count(*) from runs" 2>/dev/null || echo 0)" -lt "$2" ] && [ $_i -lt 600 ]; do
        sleep 0.05; _i=$((_i + 1))
    done
}
# kill_when_runs DB N PID: once DB holds N runs, kill process PID with
# SIGKILL and reap it.
kill_when_runs() {
    wait_runs "$1" "$2"
    kill -9 "$3" 2>/dev/null || true
    wait "$3" 2>/dev/null || true
}
