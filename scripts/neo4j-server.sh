#!/usr/bin/env bash
# Start an in-process Neo4j 5 Community server for crimegraph (tests, `make neo4j`).
#
#   scripts/neo4j-server.sh [PORT] [LAUNCHER OPTIONS...]
#   scripts/neo4j-server.sh --build-only
#   scripts/neo4j-server.sh --admin HOME NEO4J-ADMIN-ARGUMENTS...
#
# PORT defaults to 7687; 0 picks a free port. Everything after PORT goes to the
# launcher (crimegraph.Neo4jServer): --data DIR, --logs DIR, --auth USER:PASSWORD,
# --pagecache-mb N, --conf NAME=VALUE, --watch-stdin, --self-test.
# See tests/neo4j-server/README.md.
#
# stdout carries exactly one line, "READY bolt://127.0.0.1:PORT", once Bolt accepts
# connections; build output and logs go to stderr. SIGTERM/SIGINT stop the server
# cleanly with exit status 0 (the script execs java, so signals reach the JVM).
#
# --admin runs neo4j-admin (org.neo4j.cli.AdminTool, from the same Neo4j jars) with
# NEO4J_HOME=HOME, in HOME (where the importer writes its import.report). For the bulk
# path of big datasets: `crimegraph export --format neo4j-csv -o DIR`, then
# `scripts/neo4j-server.sh --admin HOME database import full neo4j --nodes=DIR/entities.csv ...`
# (the arguments are in DIR/import.sh), then `scripts/neo4j-server.sh PORT --data HOME/data`.
#
# The Maven build runs only when the launcher's pom.xml or Java source changed
# (or target/ is missing); it is serialised with flock, so concurrent callers are safe.
#
# Environment:
#   NEO4J_SERVER_JAVA_OPTS  JVM options (default below: small heap, serial GC, C1 only,
#                           JVM logging to stderr).
#   NEO4J_SERVER_CDS=1      Use an AppCDS class archive (target/neo4j-server.jsa), made on
#                           first use by a --self-test run (~1 min once); saves ~1/3 of the
#                           start-up CPU afterwards. Off by default: it only pays off when
#                           the server is started many times on one machine.
#   NEO4J_ADMIN_JAVA_OPTS   JVM options for --admin (default -Xmx1g).
#   JAVA, MVN               java / mvn executables (default: from PATH).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="$ROOT/tests/neo4j-server"
TARGET="$DIR/target"
JAR="$TARGET/neo4j-server.jar"
LIB="$TARGET/lib"
STAMP="$TARGET/.build-stamp"
JSA="$TARGET/neo4j-server.jsa"
JAVA="${JAVA:-java}"
MVN="${MVN:-mvn}"
MAIN=crimegraph.Neo4jServer

DEFAULT_JAVA_OPTS="-Xms64m -Xmx1g -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError -Xlog:disable -Xlog:all=warning:stderr"
read -r -a JAVA_OPTS <<<"${NEO4J_SERVER_JAVA_OPTS:-$DEFAULT_JAVA_OPTS}"

log() { echo "neo4j-server.sh: $*" >&2; }
die() { log "$*"; exit 1; }

command -v "$JAVA" >/dev/null 2>&1 || die "java not found (run scripts/install-system-deps.sh)"
java_major="$("$JAVA" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p')"
java_major="${java_major%%.*}"
[[ "$java_major" =~ ^[0-9]+$ ]] && (( java_major >= 17 )) || die "Java 17+ required (found '${java_major:-?}')"

source_hash() {
    (cd "$DIR" && find pom.xml src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum) | sha256sum | cut -d' ' -f1
}

build_is_current() {
    [[ -f "$JAR" && -d "$LIB" && -f "$STAMP" ]] && [[ "$(cat "$STAMP")" == "$(source_hash)" ]]
}

build() {
    build_is_current && return 0
    mkdir -p "$TARGET"
    exec 9>"$TARGET/.build.lock"
    flock 9
    # Someone else may have finished the build while we waited for the lock.
    if ! build_is_current; then
        command -v "$MVN" >/dev/null 2>&1 || die "mvn not found (run scripts/install-system-deps.sh)"
        log "building the Neo4j launcher (first time takes ~1 min)..."
        local started=$SECONDS
        # No `mvn clean`: it would delete the lock file. Remove the outputs that matter,
        # so that a dependency change can't leave stale jars in lib/.
        rm -rf "$LIB" "$TARGET/classes" "$JAR" "$STAMP" "$JSA" "$JSA.tmp" "$TARGET/cds-training.log"
        # (Debian's Maven 3.8 prints stray colour escapes even in batch mode: strip them.)
        "$MVN" -q -B -Dstyle.color=never -f "$DIR/pom.xml" package 2>&1 | sed 's/\x1b\[[0-9;]*m//g' >&2 \
            || die "Maven build failed"
        [[ -f "$JAR" && -d "$LIB" ]] || die "build produced no $JAR"
        source_hash >"$STAMP"
        log "built in $((SECONDS - started)) s"
    fi
    flock -u 9
    exec 9>&-
}

CLASSPATH_ARG="$JAR:$LIB/*"

make_cds_archive() {
    [[ -f "$JSA" ]] && return 0
    exec 9>"$TARGET/.build.lock"
    flock 9
    if [[ ! -f "$JSA" ]]; then
        log "creating AppCDS archive (one-off, ~1 min)..."
        rm -f "$JSA.tmp"
        # The dump prints hundreds of harmless "Skipping ...: Signed JAR" warnings: keep them in a file.
        if "$JAVA" "${JAVA_OPTS[@]}" -XX:ArchiveClassesAtExit="$JSA.tmp" -cp "$CLASSPATH_ARG" "$MAIN" \
                --port 0 --self-test >/dev/null 2>"$TARGET/cds-training.log" && [[ -s "$JSA.tmp" ]]; then
            mv -f "$JSA.tmp" "$JSA"
        else
            rm -f "$JSA.tmp"
            log "AppCDS archive not created (see $TARGET/cds-training.log); starting without it"
        fi
    fi
    flock -u 9
    exec 9>&-
}

if [[ "${1:-}" == "--build-only" ]]; then
    build
    exit 0
fi

if [[ "${1:-}" == "--admin" ]]; then
    [[ $# -ge 3 ]] || die "usage: $0 --admin HOME NEO4J-ADMIN-ARGUMENTS..."
    HOME_DIR="$(mkdir -p "$2" && cd "$2" && pwd)"
    shift 2
    build
    mkdir -p "$HOME_DIR/conf"
    [[ -f "$HOME_DIR/conf/neo4j.conf" ]] || : >"$HOME_DIR/conf/neo4j.conf"
    cd "$HOME_DIR"
    read -r -a ADMIN_OPTS <<<"${NEO4J_ADMIN_JAVA_OPTS:--Xmx1g}"
    NEO4J_HOME="$HOME_DIR" NEO4J_CONF="$HOME_DIR/conf" exec "$JAVA" "${ADMIN_OPTS[@]}" \
        -cp "$LIB/*" org.neo4j.cli.AdminTool "$@"
fi

PORT=7687
if [[ $# -gt 0 && "$1" =~ ^[0-9]+$ ]]; then
    PORT="$1"
    shift
fi

build

CDS_OPTS=()
if [[ "${NEO4J_SERVER_CDS:-0}" == 1 ]]; then
    make_cds_archive
    [[ -f "$JSA" ]] && CDS_OPTS=(-XX:SharedArchiveFile="$JSA")
fi

exec "$JAVA" "${JAVA_OPTS[@]}" "${CDS_OPTS[@]}" -cp "$CLASSPATH_ARG" "$MAIN" --port "$PORT" "$@"
