"""The peer's launcher: PostGraphile under node's cluster, as many processes as asked."""
from __future__ import annotations

import re
from pathlib import Path

from bench.peer import LAUNCHER, command, listening

NODE = Path("/opt/node/bin/node")
# What the launcher prints as two workers come up, between PostGraphile's own lines.
LOG = (
    "worker 4121 listening\n"
    "Recoverable error occurred; use envvar 'DEBUG=\"graphile-build:warn\"' for full error\n"
    "worker 4122 listening\n"
)


def test_the_server_is_the_launcher_in_the_scratch_folder() -> None:
    assert command(NODE, Path("/tmp/peer")) == ["/opt/node/bin/node", "/tmp/peer/cluster.mjs"]


def test_the_launcher_forks_WORKERS_processes_that_share_one_port() -> None:
    assert re.findall(r"^import .+$", LAUNCHER, re.MULTILINE) == [
        'import cluster from "node:cluster";',
        'import { createServer } from "node:http";',
        'import { postgraphile } from "postgraphile";',
        'import { grafserv } from "postgraphile/grafserv/node";',
        'import preset from "./graphile.config.mjs";',
    ]
    assert "const workers = Number(process.env.WORKERS);\n" \
           "  for (let i = 0; i < workers; i++) cluster.fork();" in LAUNCHER
    # Each worker listens on the preset's one host and port, after its schema is built.
    assert ".then(() => server.listen({ host: preset.grafserv.host, " \
           "port: preset.grafserv.port }))" in LAUNCHER


def test_workers_listening_are_counted_from_the_lines_the_launcher_prints() -> None:
    printed = re.search(r"console\.log\(`(worker \$\{worker\.process\.pid\} listening)`\)",
                        LAUNCHER)
    assert printed is not None
    line = printed.group(1).replace("${worker.process.pid}", "4123")
    assert (listening(""), listening(LOG), listening(LOG + line + "\n")) == (0, 2, 3)
    assert listening("a worker 4121 listening\nworker 4122 listening later\n") == 0
