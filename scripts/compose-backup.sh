#!/usr/bin/env bash
# Dump the Neo4j database of the docker compose stack (docker-compose.yml) into a directory.
set -euo pipefail

readonly PROG="scripts/compose-backup.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT

usage() {
  cat <<EOF
Usage: $PROG [--database NAME] OUT_DIR

Dump the Neo4j database of the compose stack into OUT_DIR/NAME-<UTC time>.dump, with a
.sha256 file beside it, using 'neo4j-admin database dump'.

Neo4j Community cannot dump a running database, so the script
  1. stops api and worker (they would fail against a stopped Neo4j), then neo4j;
  2. runs the dump in a one-off container on the same data volume:
       docker compose run --rm --no-deps neo4j neo4j-admin database dump NAME ...
  3. starts neo4j again, waits until it is healthy, then starts what else was running,
     also when the dump failed.
The graph is unavailable while this runs.

Options:
  --database NAME  database to dump (default: neo4j)
  -h, --help       show this help

Environment:
  COMPOSE                     compose command (default: 'docker compose', else 'docker-compose')
  COMPOSE_PROJECT_NAME        as for docker compose, when the stack was started with -p NAME
  NEO4J_HEALTH_TIMEOUT        seconds to wait for neo4j to be healthy again (default: 300)
EOF
}

log() { printf '[compose-backup] %s\n' "$*" >&2; }
die() { printf '[compose-backup] error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf '%s: %s\n\n' "$PROG" "$*" >&2; usage >&2; exit 2; }

database=neo4j
out_dir=""
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    --database) (($# >= 2)) || usage_error "--database needs a value"; database="$2"; shift 2 ;;
    --database=*) database="${1#*=}"; shift ;;
    -*) usage_error "unknown option: $1" ;;
    *) [[ -z $out_dir ]] || usage_error "one OUT_DIR only"; out_dir="$1"; shift ;;
  esac
done
[[ -n $out_dir ]] || usage_error "OUT_DIR is missing"
[[ $database =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]] || usage_error "not a database name: $database"

mkdir -p -- "$out_dir" || die "cannot create $out_dir"
out_dir="$(cd -- "$out_dir" && pwd)"
[[ -w $out_dir ]] || die "$out_dir is not writable"

# --- compose ---------------------------------------------------------------------------------
# shellcheck source-path=SCRIPTDIR source=compose-lib.sh
source "$ROOT/scripts/compose-lib.sh"

# --- stop, dump, start -----------------------------------------------------------------------
running="$(compose ps --services --filter status=running)" || die "'${compose_cmd[*]} ps' failed"
was_running() { grep -qx -- "$1" <<<"$running"; }
to_stop=()
for service in api worker neo4j; do
  was_running "$service" && to_stop+=("$service")
done

stage=""
restart_needed=0
finish() {
  local rc=$? neo4j_ok=1 apps=() service
  if [[ -n $stage ]]; then
    rm -rf -- "$stage" 2>/dev/null || log "could not remove $stage; remove it by hand"
  fi
  if ((restart_needed)); then
    restart_needed=0
    if was_running neo4j; then
      log "starting neo4j"
      if ! compose start neo4j || ! wait_healthy; then
        log "neo4j did not come back healthy: see '${compose_cmd[*]} logs neo4j'"
        neo4j_ok=0
        rc=1
      fi
    fi
    for service in api worker; do
      was_running "$service" && apps+=("$service")
    done
    if ((${#apps[@]} && neo4j_ok)); then
      log "starting ${apps[*]}"
      compose start "${apps[@]}" || { log "could not start ${apps[*]}"; rc=1; }
    elif ((${#apps[@]})); then
      log "left stopped: ${apps[*]}; start them with '${compose_cmd[*]} start ${apps[*]}'"
    fi
  fi
  exit "$rc"
}
trap finish EXIT
trap 'exit 130' INT TERM

if ((${#to_stop[@]})); then
  log "stopping ${to_stop[*]} (Neo4j Community dumps only a stopped database)"
  restart_needed=1
  compose stop "${to_stop[@]}"
fi

# neo4j-admin runs as the image's neo4j user (uid 7474), so it needs a directory it can write.
stage="$(mktemp -d "$out_dir/.dump-XXXXXX")"
chmod 0777 "$stage"
log "dumping database '$database'"
compose run --rm --no-deps -T -v "$stage:/backups" neo4j \
  neo4j-admin database dump "$database" --to-path=/backups ||
  die "neo4j-admin database dump failed (see above); the data volume is unchanged"
[[ -s $stage/$database.dump ]] || die "the dump produced no $database.dump"

target="$out_dir/$database-$(date -u +%Y%m%dT%H%M%SZ).dump"
mv -- "$stage/$database.dump" "$target"
(cd "$out_dir" && sha256sum -- "$(basename -- "$target")" >"$(basename -- "$target").sha256")
log "wrote $target ($(du -h -- "$target" | cut -f1))"
printf '%s\n' "$target"
