"""The local Neo4j: Neo4j Community embedded in the JVM launcher of ``graphdb/launcher``.

The launcher is built once with Maven (:data:`BUILD_COMMAND`); it takes the ``neo4j`` user's
password from ``ORTHOGRAPH_NEO4J_PASSWORD`` (set here from the settings) and prints
:data:`READY_LINE` once Bolt accepts connections with that password.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import ClassVar

from config.connections import PROJECT_ROOT
from stack.errors import ToolMissing
from stack.service import Service
from stack.settings import Endpoint

LAUNCHER_JAR = PROJECT_ROOT / "graphdb" / "launcher" / "target" / "orthograph-neo4j-launcher.jar"
BUILD_COMMAND = "mvn -q -B -f graphdb/launcher/pom.xml package -DskipTests"
READY_LINE = b"orthograph-neo4j ready bolt://"
PASSWORD_VARIABLE = "ORTHOGRAPH_NEO4J_PASSWORD"


class Neo4jService(Service):
    """Neo4j with Bolt on the loopback endpoint of ``ORTHOGRAPH_NEO4J_URI``."""

    name: ClassVar[str] = "neo4j"

    @property
    def endpoint(self) -> Endpoint:
        return self.settings.neo4j_endpoint

    @property
    def address(self) -> str:
        return self.settings.neo4j_uri

    @property
    def marker(self) -> tuple[str, ...]:
        return ("--home", str(self.layout.home))

    @property
    def listen_args(self) -> tuple[str, ...]:
        return ("--bolt", f"{self.endpoint.host}:{self.endpoint.port}")

    def command(self) -> list[str]:
        if not LAUNCHER_JAR.is_file():
            raise ToolMissing(
                f"The Neo4j launcher is not built ({LAUNCHER_JAR} is missing): run "
                f"`{BUILD_COMMAND}` in {PROJECT_ROOT} (needs Java 17 and Maven)."
            )
        return [
            str(self._java()),
            f"-Xms{self.settings.neo4j_heap}",
            f"-Xmx{self.settings.neo4j_heap}",
            "-XX:+ExitOnOutOfMemoryError",
            "-Dfile.encoding=UTF-8",
            "-jar",
            str(LAUNCHER_JAR),
            *self.marker,
            *self.listen_args,
            "--page-cache",
            self.settings.neo4j_page_cache,
        ]

    def environment(self) -> Mapping[str, str]:
        password = self.settings.neo4j_password.get_secret_value()
        return {**os.environ, PASSWORD_VARIABLE: password}

    def is_ready(self, log_offset: int) -> bool:
        with self.log_file.open("rb") as log:
            log.seek(log_offset)
            return any(line.startswith(READY_LINE) for line in log)

    def _java(self) -> Path:
        if self.settings.java is not None:
            if not self.settings.java.is_file():
                raise ToolMissing(
                    f"ORTHOGRAPH_JAVA={self.settings.java} does not exist; point it at a "
                    f"Java 17+ `java` binary or unset it to use JAVA_HOME or PATH."
                )
            return self.settings.java
        java_home = os.environ.get("JAVA_HOME")
        if java_home and (Path(java_home) / "bin" / "java").is_file():
            return Path(java_home) / "bin" / "java"
        found = shutil.which("java")
        if found is None:
            raise ToolMissing(
                "Java 17+ is needed to run the local Neo4j and none was found: install one "
                "(e.g. `apt-get install openjdk-17-jre-headless`) or set ORTHOGRAPH_JAVA."
            )
        return Path(found)
