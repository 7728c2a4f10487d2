"""The production stack: docker-compose.yml, the Dockerfile, .dockerignore and the backup scripts.

Validation by a compose tool needs `docker compose` (v2) or `docker-compose` (Debian package
`docker-compose`), and the script lint needs `shellcheck` (Debian package `shellcheck`); both are
installed by `scripts/setup.sh`, and a missing one skips (fails, in a strict run) only its test.
Everything else runs anywhere: the scripts are exercised against a fake `docker` on PATH that
records its calls.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from config.connections import Connections
from tests.support.skips import missing

ROOT = Path(__file__).resolve().parents[1]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
BACKUP = ROOT / "scripts" / "compose-backup.sh"
RESTORE = ROOT / "scripts" / "compose-restore.sh"
SCRIPTS = [BACKUP, RESTORE]
SERVICES = {"neo4j", "redis", "api", "worker", "flower"}
SETTINGS_ENV = {f"ORTHOGRAPH_{name.upper()}" for name in Connections.model_fields}


# --- docker-compose.yml -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data = yaml.safe_load(COMPOSE_FILE.read_text())
    assert isinstance(data, dict)
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return compose["services"]


def _compose_tool() -> list[str] | None:
    if shutil.which("docker"):
        probe = subprocess.run(["docker", "compose", "version"], capture_output=True, timeout=60)
        if probe.returncode == 0:
            return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def _run_compose_config(tool: list[str], tmp_path: Path, password: str | None):
    env_file = tmp_path / "empty.env"  # keeps a developer's .env out of the check
    env_file.write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ORTHOGRAPH_", "COMPOSE_"))}
    if password is not None:
        env["ORTHOGRAPH_NEO4J_PASSWORD"] = password
    return subprocess.run(
        [*tool, "--env-file", str(env_file), "-f", str(COMPOSE_FILE), "config", "-q"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )


def test_compose_file_is_valid_for_the_compose_tool(tmp_path: Path) -> None:
    tool = _compose_tool()
    if tool is None:
        missing(
            "a compose tool ('docker compose' or 'docker-compose') to validate docker-compose.yml",
            "apt-get install docker-compose (or the Docker Compose v2 plugin), or scripts/setup.sh",
        )
    ok = _run_compose_config(tool, tmp_path, password="test-password-123")
    assert ok.returncode == 0, ok.stderr
    unset = _run_compose_config(tool, tmp_path, password=None)
    assert unset.returncode != 0, "compose must refuse to run without ORTHOGRAPH_NEO4J_PASSWORD"
    assert "ORTHOGRAPH_NEO4J_PASSWORD" in unset.stderr


def test_compose_has_the_services_and_no_obsolete_version(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == SERVICES
    assert "version" not in compose


def test_neo4j_service(services: dict[str, dict[str, Any]], compose: dict[str, Any]) -> None:
    neo4j = services["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert _named_volume_at(neo4j, "/data", compose)
    env = neo4j["environment"]
    for setting in ("heap_initial__size", "heap_max__size", "pagecache_size"):
        assert f"NEO4J_server_memory_{setting}" in env
    assert "cypher-shell" in " ".join(neo4j["healthcheck"]["test"])


def test_neo4j_loads_the_launchers_plugins(services: dict[str, dict[str, Any]]) -> None:
    """The image loads the same function jars as the local launcher (``orthograph.wkt``)."""
    neo4j = services["neo4j"]
    assert "./graphdb/launcher/target/plugins:/plugins:ro" in neo4j["volumes"]
    assert neo4j["environment"]["NEO4J_server_directories_plugins"] == "/plugins"
    pom = (ROOT / "graphdb" / "launcher" / "pom.xml").read_text()
    assert "<outputDirectory>${project.build.directory}/plugins</outputDirectory>" in pom


def test_redis_service(services: dict[str, dict[str, Any]], compose: dict[str, Any]) -> None:
    redis = services["redis"]
    assert re.fullmatch(r"redis:7(\.\d+)*(-[a-z]+)?", redis["image"]), redis["image"]
    command = redis["command"]
    assert command[command.index("--appendonly") + 1] == "yes"
    assert _named_volume_at(redis, "/data", compose)
    assert "redis-cli ping" in " ".join(redis["healthcheck"]["test"])


@pytest.mark.parametrize(
    ("name", "target", "command"),
    [("api", "api", ["orthograph", "serve"]), ("worker", "worker", ["orthograph", "worker"])],
)
def test_app_services(
    services: dict[str, dict[str, Any]], name: str, target: str, command: list[str]
) -> None:
    service = services[name]
    assert service["build"]["target"] == target
    assert service["build"].get("dockerfile", "Dockerfile") == "Dockerfile"
    assert service["command"][:2] == command
    for dependency in ("neo4j", "redis"):
        assert service["depends_on"][dependency]["condition"] == "service_healthy"


def test_api_serves_on_port_8000(services: dict[str, dict[str, Any]]) -> None:
    command = services["api"]["command"]
    assert command[command.index("--port") + 1] == "8000"
    assert any(str(port).endswith(":8000") for port in services["api"]["ports"])


def test_worker_scales(services: dict[str, dict[str, Any]]) -> None:
    """`docker compose up --scale worker=N` fails on a fixed container name or host port."""
    for name, service in services.items():
        assert "container_name" not in service, name
    worker = services["worker"]
    assert "ports" not in worker
    assert "replicas" not in worker.get("deploy", {})


def test_flower_watches_the_broker(services: dict[str, dict[str, Any]]) -> None:
    flower = services["flower"]
    assert "flower" in flower["command"]
    assert flower["environment"]["CELERY_BROKER_URL"] == _app_env(services)["ORTHOGRAPH_REDIS_URL"]
    assert flower["depends_on"]["redis"]["condition"] == "service_healthy"


def test_orthograph_settings_are_one_set(services: dict[str, dict[str, Any]]) -> None:
    api = _orthograph_env(services["api"])
    worker = _orthograph_env(services["worker"])
    assert api == worker
    assert set(api) >= SETTINGS_ENV, f"missing: {SETTINGS_ENV - set(api)}"


def test_settings_point_at_the_stack(
    services: dict[str, dict[str, Any]], compose: dict[str, Any]
) -> None:
    env = _app_env(services)
    assert env["ORTHOGRAPH_NEO4J_PASSWORD"].startswith("${ORTHOGRAPH_NEO4J_PASSWORD:?")
    auth = services["neo4j"]["environment"]["NEO4J_AUTH"]
    assert auth == f"{env['ORTHOGRAPH_NEO4J_USER']}/{env['ORTHOGRAPH_NEO4J_PASSWORD']}"
    assert env["ORTHOGRAPH_NEO4J_USER"] == "neo4j"
    assert env["ORTHOGRAPH_NEO4J_DATABASE"] == "neo4j"  # Community has one user database

    bolt = urlsplit(env["ORTHOGRAPH_NEO4J_URI"])
    assert (bolt.scheme, bolt.hostname, bolt.port) in {
        ("bolt", "neo4j", 7687),
        ("neo4j", "neo4j", 7687),
    }
    redis = urlsplit(env["ORTHOGRAPH_REDIS_URL"])
    assert (redis.scheme, redis.hostname, redis.port) == ("redis", "redis", 6379)

    home = env["ORTHOGRAPH_HOME"]
    volumes = {_named_volume_at(services[name], home, compose) for name in ("api", "worker")}
    assert len(volumes) == 1 and None not in volumes, "api and workers must share ORTHOGRAPH_HOME"


def _orthograph_env(service: dict[str, Any]) -> dict[str, str]:
    env = service["environment"]
    assert isinstance(env, dict), "keep environment a mapping"
    return {k: v for k, v in env.items() if k.startswith("ORTHOGRAPH_")}


def _app_env(services: dict[str, dict[str, Any]]) -> dict[str, str]:
    return _orthograph_env(services["api"])


def _named_volume_at(service: dict[str, Any], target: str, compose: dict[str, Any]) -> str | None:
    """The named volume mounted at `target` (declared at the top level), or None."""
    for volume in service.get("volumes", []):
        source, _, rest = str(volume).partition(":")
        if rest.split(":")[0] == target and source in (compose.get("volumes") or {}):
            return source
    return None


# --- Dockerfile -----------------------------------------------------------------------------------


@dataclass
class Stage:
    name: str
    base: str
    instructions: list[tuple[str, str]] = field(default_factory=list)


def _parse_dockerfile(text: str) -> tuple[dict[str, str], dict[str, Stage]]:
    """Global ARG defaults and the stages by name (unnamed stages by index)."""
    lines = re.sub(r"\\\n", "", text).splitlines()
    args: dict[str, str] = {}
    stages: dict[str, Stage] = {}
    current: Stage | None = None
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        keyword, _, rest = line.partition(" ")
        keyword = keyword.upper()
        if keyword == "FROM":
            words = rest.split()
            name = words[2] if len(words) == 3 and words[1].upper() == "AS" else str(len(stages))
            base = re.sub(r"\$\{?(\w+)\}?", lambda m: args.get(m.group(1), m.group(0)), words[0])
            current = stages[name] = Stage(name, base)
        elif current is None:
            if keyword == "ARG" and "=" in rest:
                key, _, value = rest.partition("=")
                args[key.strip()] = value.strip().strip('"')
        else:
            current.instructions.append((keyword, rest))
    return args, stages


def _chain(stages: dict[str, Stage], name: str) -> list[Stage]:
    """A stage with every stage it builds on or copies from."""
    seen: list[Stage] = []
    todo = [name]
    while todo:
        stage = stages[todo.pop()]
        if stage in seen:
            continue
        seen.append(stage)
        if stage.base in stages:
            todo.append(stage.base)
        for keyword, rest in stage.instructions:
            source = re.search(r"--from=(\S+)", rest) if keyword == "COPY" else None
            if source and source.group(1) in stages:
                todo.append(source.group(1))
    return seen


@pytest.fixture(scope="module")
def dockerfile() -> dict[str, Stage]:
    _, stages = _parse_dockerfile(DOCKERFILE.read_text())
    return stages


def _requirement_files(stages: dict[str, Stage]) -> dict[str, set[str]]:
    """`api.txt=api worker.txt=...` arguments: requirement file -> extras it holds."""
    text = " ".join(rest for stage in stages.values() for _, rest in stage.instructions)
    return {f: set(extras.split(",")) for f, extras in re.findall(r"(\w+\.txt)=([\w,]+)", text)}


def test_dockerfile_base_and_targets(dockerfile: dict[str, Stage]) -> None:
    assert {"api", "worker"} <= set(dockerfile)
    for target in ("api", "worker"):
        roots = [s for s in _chain(dockerfile, target) if s.base not in dockerfile]
        assert roots and all(s.base.startswith("python:3.11-slim") for s in roots), roots


@pytest.mark.parametrize(
    ("target", "extras"), [("api", {"api"}), ("worker", {"ingest", "model", "workers"})]
)
def test_dockerfile_installs_the_right_extras(
    dockerfile: dict[str, Stage], target: str, extras: set[str]
) -> None:
    files = _requirement_files(dockerfile)
    chain = _chain(dockerfile, target)
    used = {
        name
        for stage in chain
        for keyword, rest in stage.instructions
        if keyword == "COPY"
        for name in files
        if re.search(rf"/{re.escape(name)}\b", rest)
    }
    assert used, f"{target} copies no requirement file"
    runs = [rest for stage in chain for keyword, rest in stage.instructions if keyword == "RUN"]
    # Extras named on a `pip install .[...]` of the project count as installed too.
    inline = {
        e for run in runs for group in re.findall(r"\.\[([\w,]+)\]", run) for e in group.split(",")
    }
    assert set().union(*(files[name] for name in used)) | inline == extras
    if target == "api":
        assert not any("torch" in run.lower() for run in runs)


def test_dockerfile_requirement_files_follow_pyproject(
    dockerfile: dict[str, Stage], tmp_path: Path
) -> None:
    """Run the Dockerfile's own generator on pyproject.toml and read what each image gets."""
    [generator] = [
        rest
        for keyword, rest in dockerfile["requirements"].instructions
        if keyword == "RUN" and "tomllib" in rest
    ]
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    subprocess.run(["/bin/sh", "-c", generator], cwd=tmp_path, env=env, check=True, timeout=60)

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    api = (tmp_path / "api.txt").read_text().splitlines()
    worker = (tmp_path / "worker.txt").read_text().splitlines()
    assert api == project["dependencies"] + extras["api"]
    assert not [r for r in api if re.match(r"torch\b", r)], "the API image must not get torch"
    assert set(extras["model"]) <= set(worker)
    assert not set(extras["dev"]) & (set(api) | set(worker))


def test_dockerfile_runs_as_non_root(dockerfile: dict[str, Stage]) -> None:
    for target in ("api", "worker"):
        users = [rest for keyword, rest in dockerfile[target].instructions if keyword == "USER"]
        assert users and users[-1].split(":")[0] not in {"root", "0"}, target


def test_dockerignore_keeps_local_state_out() -> None:
    patterns = {
        line.strip().rstrip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    }
    assert {".venv", ".orthograph", ".git", "bench/cache", "node_modules", ".env"} <= patterns


# --- backup and restore scripts ---------------------------------------------------------------


def _script(script: Path, *args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, timeout=60, **kwargs
    )


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_syntax(script: Path) -> None:
    subprocess.run(["bash", "-n", str(script)], check=True, timeout=30)
    assert os.access(script, os.X_OK), f"{script.name} is not executable"
    assert "set -euo pipefail" in script.read_text()


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_shellcheck(script: Path) -> None:
    if shutil.which("shellcheck") is None:
        missing("shellcheck", "apt-get install shellcheck, or scripts/setup.sh")
    result = subprocess.run(
        ["shellcheck", "-x", str(script)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_script_usage(script: Path) -> None:
    helped = _script(script, "--help")
    assert helped.returncode == 0 and "Usage:" in helped.stdout
    bare = _script(script)
    assert bare.returncode == 2 and "Usage:" in bare.stderr


def test_restore_rejects_a_missing_dump(tmp_path: Path) -> None:
    result = _script(RESTORE, "--yes", str(tmp_path / "nope.dump"))
    assert result.returncode == 1
    assert "no such file" in result.stderr


FAKE_DOCKER = r"""#!/usr/bin/env bash
# Stand-in for docker: records each call, answers like a stack with $FAKE_RUNNING up.
set -euo pipefail
printf '%s\n' "$*" >>"$FAKE_DOCKER_LOG"
case "$1" in
  info) exit 0 ;;
  inspect) echo healthy; exit 0 ;;
  compose) shift ;;
  *) exit 99 ;;
esac
case "$1" in
  version) echo "Docker Compose version v2.0.0-fake" ;;
  ps)
    if [[ " $* " == *" --services "* ]]; then printf '%s\n' $FAKE_RUNNING; else echo cid-neo4j; fi
    ;;
  stop | start) ;;
  run)
    [[ -z ${FAKE_FAIL_RUN:-} ]] || exit 1
    while (($#)); do [[ $1 == -v ]] && { mount="$2"; shift; }; shift; done
    if [[ ${mount#*:} == /backups ]]; then printf 'dump-bytes' >"${mount%%:*}/neo4j.dump"; fi
    ;;
  *) exit 99 ;;
esac
"""


@pytest.fixture
def fake_docker(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    docker = bin_dir / "docker"
    docker.write_text(FAKE_DOCKER)
    docker.chmod(0o755)
    env = {k: v for k, v in os.environ.items() if k != "COMPOSE"}
    env.update(
        PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        FAKE_DOCKER_LOG=str(tmp_path / "docker.log"),
        FAKE_RUNNING="api neo4j redis worker flower",
    )
    return env


def _calls(env: dict[str, str]) -> list[str]:
    calls = Path(env["FAKE_DOCKER_LOG"]).read_text().splitlines()
    return [c.removeprefix("compose ") for c in calls if c.split()[:2] != ["compose", "version"]]


def test_backup_stops_dumps_and_starts_again(tmp_path: Path, fake_docker: dict[str, str]) -> None:
    out = tmp_path / "backups"
    result = _script(BACKUP, str(out), env=fake_docker)
    assert result.returncode == 0, result.stderr
    dump = Path(result.stdout.strip())
    assert dump.parent == out and re.fullmatch(r"neo4j-\d{8}T\d{6}Z\.dump", dump.name)
    assert dump.read_bytes() == b"dump-bytes"
    assert Path(f"{dump}.sha256").read_text().split()[1] == dump.name
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == [], "stage dir left behind"

    calls = [c for c in _calls(fake_docker) if c.split()[0] in {"stop", "run", "start"}]
    assert calls[0] == "stop api worker neo4j"
    assert calls[1].startswith("run --rm --no-deps -T -v ")
    assert calls[1].endswith("neo4j neo4j-admin database dump neo4j --to-path=/backups")
    assert calls[2:] == ["start neo4j", "start api worker"]


def test_backup_restarts_the_stack_when_the_dump_fails(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    fake_docker["FAKE_FAIL_RUN"] = "1"
    out = tmp_path / "backups"
    result = _script(BACKUP, str(out), env=fake_docker)
    assert result.returncode == 1
    assert "dump failed" in result.stderr
    calls = [c for c in _calls(fake_docker) if c.split()[0] in {"stop", "start"}]
    assert calls == ["stop api worker neo4j", "start neo4j", "start api worker"]
    assert list(out.iterdir()) == []


def test_backup_of_a_stopped_stack_starts_nothing(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    fake_docker["FAKE_RUNNING"] = ""
    result = _script(BACKUP, str(tmp_path / "b"), env=fake_docker)
    assert result.returncode == 0, result.stderr
    assert not [c for c in _calls(fake_docker) if c.split()[0] in {"stop", "start"}]


def _dump_file(tmp_path: Path) -> Path:
    dump = tmp_path / "neo4j-20250101T000000Z.dump"
    dump.write_bytes(b"dump-bytes")
    dump.chmod(0o644)
    return dump


def test_restore_stops_loads_and_starts_again(tmp_path: Path, fake_docker: dict[str, str]) -> None:
    dump = _dump_file(tmp_path)
    result = _script(RESTORE, "--yes", str(dump), env=fake_docker)
    assert result.returncode == 0, result.stderr
    calls = [c for c in _calls(fake_docker) if c.split()[0] in {"stop", "run", "start"}]
    assert calls[0] == "stop api worker neo4j"
    assert f"-v {dump}:/restore/neo4j.dump:ro neo4j " in calls[1]
    assert calls[1].endswith(
        "neo4j-admin database load neo4j --from-path=/restore --overwrite-destination=true"
    )
    assert calls[2:] == ["start neo4j", "start api worker"]


def test_restore_leaves_the_stack_stopped_when_the_load_fails(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    fake_docker["FAKE_FAIL_RUN"] = "1"
    result = _script(RESTORE, "--yes", str(_dump_file(tmp_path)), env=fake_docker)
    assert result.returncode == 1
    assert "left stopped" in result.stderr
    assert not [c for c in _calls(fake_docker) if c.split()[0] == "start"]


def test_restore_needs_confirmation_without_a_terminal(
    tmp_path: Path, fake_docker: dict[str, str]
) -> None:
    result = _script(RESTORE, str(_dump_file(tmp_path)), env=fake_docker, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert "--yes" in result.stderr
    assert not [c for c in _calls(fake_docker) if c.split()[0] in {"stop", "run"}]


def test_restore_checks_the_checksum(tmp_path: Path, fake_docker: dict[str, str]) -> None:
    dump = _dump_file(tmp_path)
    Path(f"{dump}.sha256").write_text(f"{'0' * 64}  {dump.name}\n")
    result = _script(RESTORE, "--yes", str(dump), env=fake_docker)
    assert result.returncode == 1
    assert "checksum mismatch" in result.stderr
