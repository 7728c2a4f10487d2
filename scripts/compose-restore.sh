#!/usr/bin/env bash
# Replace the Neo4j database of the docker compose stack (docker-compose.yml) with a dump.
set -euo pipefail

readonly PROG="scripts/compose-restore.sh"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly ROOT

usage() {
  cat <<EOF
Usage: $PROG [--yes] [--database NAME] DUMP_FILE

Replace the database NAME of the compose stack with DUMP_FILE, a file written by
scripts/compose-backup.sh or by 'neo4j-admin database dump', using
'neo4j-admin database load --overwrite-destination'. Everything in the current database is lost.

The script
  1. checks DUMP_FILE (and DUMP_FILE.sha256 when it exists);
  2. stops api and worker, then neo4j (Neo4j Community loads only into a stopped server);
  3. runs the load in a one-off container on the same data volume:
       docker compose run --rm --no-deps neo4j neo4j-admin database load NAME ...
  4. starts neo4j, waits until it is healthy, then starts what else was running.
If the load fails, everything stays stopped: the database may be partly replaced, so run the
restore again (or restore another dump) before starting the stack.

Options:
  --yes            do not ask for confirmation (needed when standard input is not a terminal)
  --database NAME  database to replace (default: neo4j)
  -h, --help       show this help

Environment:
  COMPOSE                     compose command (default: 'docker compose', else 'docker-compose')
  COMPOSE_PROJECT_NAME        as for docker compose, when the stack was started with -p NAME
  NEO4J_HEALTH_TIMEOUT        seconds to wait for neo4j to be healthy again (default: 300)
EOF
}

log() { printf '[compose-restore] %s\n' "$*" >&2; }
die() { printf '[compose-restore] error: %s\n' "$*" >&2; exit 1; }
usage_error() { printf '%s: %s\n\n' "$PROG" "$*" >&2; usage >&2; exit 2; }

database=neo4j
dump=""
assume_yes=0
while (($#)); do
  case "$1" in
    -h | --help) usage; exit 0 ;;
    -y | --yes) assume_yes=1; shift ;;
    --database) (($# >= 2)) || usage_error "--database needs a value"; database="$2"; shift 2 ;;
    --database=*) database="${1#*=}"; shift ;;
    -*) usage_error "unknown option: $1" ;;
    *) [[ -z $dump ]] || usage_error "one DUMP_FILE only"; dump="$1"; shift ;;
  esac
done
[[ -n $dump ]] || usage_error "DUMP_FILE is missing"
[[ $database =~ ^[A-Za-z0-9][A-Za-z0-9.-]*$ ]] || usage_error "not a database name: $database"

# --- the dump file ---------------------------------------------------------------------------
[[ -e $dump ]] || die "no such file: $dump"
[[ -f $dump ]] || die "not a regular file: $dump"
[[ -r $dump ]] || die "cannot read $dump"
[[ -s $dump ]] || die "$dump is empty"
dump="$(cd -- "$(dirname -- "$dump")" && pwd)/$(basename -- "$dump")"
# neo4j-admin reads the file as the image's neo4j user (uid 7474), through a read-only bind mount.
[[ -n $(find "$dump" -maxdepth 0 -perm -o=r) ]] ||
  die "$dump must be readable by others for the container's neo4j user: chmod o+r '$dump'"
if [[ -f $dump.sha256 ]]; then
  log "checking $dump.sha256"
  expected="$(cut -d' ' -f1 <"$dump.sha256")"
  actual="$(sha256sum -- "$dump" | cut -d' ' -f1)"
  [[ $expected == "$actual" ]] || die "checksum mismatch: $dump does not match $dump.sha256"
fi

# --- compose ---------------------------------------------------------------------------------
# shellcheck source-path=SCRIPTDIR source=compose-lib.sh
source "$ROOT/scripts/compose-lib.sh"

# --- confirm ---------------------------------------------------------------------------------
if ((!assume_yes)); then
  [[ -t 0 ]] || die "standard input is not a terminal: pass --yes to replace database '$database'"
  read -r -p "Replace database '$database' of the compose stack with $dump? Type 'yes': " answer ||
    die "not confirmed; nothing changed"
  [[ $answer == yes ]] || die "not confirmed; nothing changed"
fi

# --- stop, load, start -----------------------------------------------------------------------
running="$(compose ps --services --filter status=running)" || die "'${compose_cmd[*]} ps' failed"
was_running() { grep -qx -- "$1" <<<"$running"; }
to_stop=()
for service in api worker neo4j; do
  was_running "$service" && to_stop+=("$service")
done
if ((${#to_stop[@]})); then
  log "stopping ${to_stop[*]} (Neo4j Community loads only into a stopped server)"
  compose stop "${to_stop[@]}"
fi

log "loading $dump into database '$database'"
if ! compose run --rm --no-deps -T -v "$dump:/restore/$database.dump:ro" neo4j \
  neo4j-admin database load "$database" --from-path=/restore --overwrite-destination=true; then
  log "neo4j-admin database load failed (see above); '$database' may be partly replaced."
  ((${#to_stop[@]})) && log "left stopped: ${to_stop[*]}; restore again before starting them"
  exit 1
fi

if was_running neo4j; then
  log "starting neo4j"
  compose start neo4j
  wait_healthy || die "neo4j did not come back healthy: see '${compose_cmd[*]} logs neo4j'"
fi
apps=()
for service in api worker; do
  was_running "$service" && apps+=("$service")
done
if ((${#apps[@]})); then
  log "starting ${apps[*]}"
  compose start "${apps[@]}"
fi
log "restored '$database' from $dump"
