"""A private Citus cluster: a coordinator and N workers, each a private ``LocalPostgres``.

Every node lives in a directory of its own under ``root`` and listens on a Unix socket there
only (node i on ``port + i``, so that with TCP switched on they do not clash). The coordinator
knows each worker by its socket directory (``citus_add_node``), so the traffic between nodes
needs no TCP port either. The workers hold the shards; the coordinator holds the reference
tables' copies and the metadata, and is the node the application connects to.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from app.db.localpg import DB_NAME, LocalPostgres, find_bindir
from app.errors import DatabaseUnavailable

COORDINATOR = "coordinator"
SHARDS_PER_WORKER = 8  # 16 on 2 workers: the sample kab/kota then land on both workers
# Each node keeps pools of connections to the others, and a write to shards on several
# workers commits with two-phase commit (prepared transactions).
NODE_SETTINGS = {
    "shared_preload_libraries": "'citus'",
    "max_connections": "100",
    "max_prepared_transactions": "100",
}


def citus_installed(bindir: Path) -> bool:
    """Whether the server in ``bindir`` has the Citus extension (scripts/citus.sh builds it)."""
    major = bindir.parent.name
    return (Path("/usr/share/postgresql") / major / "extension" / "citus.control").exists() \
        and (bindir.parent / "lib" / "citus.so").exists()


@dataclass
class LocalCitus:
    """Control of one private Citus cluster in ``root`` (``coordinator/``, ``worker1/``...)."""

    root: Path
    workers: int | None = None  # None: as many as the cluster already has (2 for a new one)
    port: int = 5432
    bindir: Path | None = None
    listen_tcp: bool = False
    fast_unsafe: bool = False
    nodes: list[LocalPostgres] = field(init=False)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        existing = len(list(self.root.glob("worker*/PG_VERSION")))
        count = max(self.workers or 0, existing) or 2
        self.nodes = [self._node(COORDINATOR, 0, count)]
        self.nodes += [self._node(f"worker{i}", i, count) for i in range(1, count + 1)]

    def _node(self, name: str, offset: int, workers: int) -> LocalPostgres:
        pgdata = self.root / name
        settings = dict(NODE_SETTINGS)
        # A node reaches itself (e.g. while moving a shard) by this name: its own socket.
        settings["citus.local_hostname"] = f"'{pgdata.resolve()}'"
        if offset == 0:
            settings["citus.shard_count"] = str(SHARDS_PER_WORKER * workers)
        return LocalPostgres(pgdata, port=self.port + offset, bindir=self.bindir,
                             listen_tcp=self.listen_tcp, fast_unsafe=self.fast_unsafe,
                             extra_settings=settings, extensions=("citus", "postgis"))

    @property
    def coordinator(self) -> LocalPostgres:
        return self.nodes[0]

    @property
    def worker_nodes(self) -> list[LocalPostgres]:
        return self.nodes[1:]

    @property
    def url(self) -> str:
        return self.coordinator.url

    def is_initialised(self) -> bool:
        return self.coordinator.is_initialised()

    def up(self) -> str:
        """Create (first time) and start every node, then register the workers."""
        if not citus_installed(find_bindir(self.bindir)):
            raise DatabaseUnavailable(
                "Ekstensi Citus tidak terpasang pada PostgreSQL sistem: jalankan "
                "'bash scripts/citus.sh' (membangunnya dari ../shared/vendor)."
            )
        for node in self.nodes:
            node.up()
        self._register()
        return self.url

    def _register(self) -> None:
        coordinator = self.coordinator
        with psycopg.connect(coordinator.dsn(DB_NAME), autocommit=True) as conn:
            known = {row[0] for row in conn.execute("SELECT nodename FROM pg_dist_node")}
            if str(coordinator.pgdata) not in known:
                conn.execute("SELECT citus_set_coordinator_host(%s, %s)",
                             (str(coordinator.pgdata), coordinator.port))
            for worker in self.worker_nodes:
                if str(worker.pgdata) not in known:
                    conn.execute("SELECT citus_add_node(%s, %s)",
                                 (str(worker.pgdata), worker.port))

    def down(self) -> None:
        for node in self.nodes:
            node.down()

    def status(self) -> list[tuple[str, LocalPostgres, str]]:
        """(name, node, state) of every node, coordinator first."""
        return [(node.pgdata.name, node, node.status()) for node in self.nodes]
