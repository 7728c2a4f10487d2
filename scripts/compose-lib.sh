# shellcheck shell=bash
# Shared by compose-backup.sh and compose-restore.sh (sourced after they define log, die and
# ROOT): find the compose command, check the engine, and wait for a healthy neo4j.

if [[ -n ${COMPOSE:-} ]]; then
  read -r -a compose_cmd <<<"$COMPOSE"
elif docker compose version >/dev/null 2>&1; then
  compose_cmd=(docker compose)
elif command -v docker-compose >/dev/null 2>&1; then
  compose_cmd=(docker-compose)
else
  die "neither 'docker compose' nor 'docker-compose' is installed"
fi
compose() { "${compose_cmd[@]}" "$@"; }
docker info >/dev/null 2>&1 || die "cannot reach the Docker engine (is it running, may this user use it?)"
cd "$ROOT" || exit 1
[[ -f docker-compose.yml ]] || die "no docker-compose.yml in $ROOT"

health_timeout="${NEO4J_HEALTH_TIMEOUT:-300}"
[[ $health_timeout =~ ^[0-9]+$ ]] || die "NEO4J_HEALTH_TIMEOUT must be a number of seconds"

wait_healthy() {
  local cid status waited=0
  cid="$(compose ps -q neo4j)"
  [[ -n $cid ]] || { log "no neo4j container to wait for"; return 1; }
  while :; do
    status="$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}' "$cid")"
    [[ $status == healthy ]] && return 0
    ((waited < health_timeout)) || { log "neo4j is still '$status' after ${health_timeout}s"; return 1; }
    sleep 5
    waited=$((waited + 5))
  done
}
