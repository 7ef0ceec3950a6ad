"""Benchmark: CLI start-up (not a test).

    .venv/bin/python bench/bench_cli.py [--repeat 7] [--tree DIR]

Each run is a fresh interpreter with ``DIR`` (default: this checkout) first on the path, in
turns: the ANCHOR (``python -c pass``: the interpreter alone), ``sasaran --help``, and what
``sasaran check`` loads before it reads its list (the CLI plus the check's own imports).
Printed: median wall and CPU seconds (children's user + system) per run, and the ratio to the
anchor. Pass ``--tree`` another checkout (e.g. a worktree of an older commit) to compare.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RUNS = {
    "anchor (python -c pass)": "pass",
    "sasaran --help": "import sys; sys.argv = ['sasaran', '--help']\n"
                      "from app.cli import main\ntry:\n    main()\nexcept SystemExit:\n    pass",
    "sasaran check (imports)": "import app.cli\nimport app.services.access\n"
                               "import app.services.coverage.check_file",
}


def one(code: str, tree: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=tree, check=True,
                   env={**os.environ, "PYTHONPATH": str(tree)}, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--tree", type=Path, default=ROOT)
    args = parser.parse_args()
    times: dict[str, list[tuple[float, float]]] = {name: [] for name in RUNS}
    names = list(RUNS)
    for i in range(args.repeat):
        for name in names[i % 3:] + names[:i % 3]:
            times[name].append(one(RUNS[name], args.tree.resolve()))
    anchor = statistics.median(w for w, _ in times[names[0]])
    print(f"CLI start-up, {args.tree.resolve()}, {args.repeat} runs each in turns "
          f"(machine shared: load {os.getloadavg()[0]:.1f}):")
    for name, values in times.items():
        wall = statistics.median(w for w, _ in values)
        cpu = statistics.median(c for _, c in values)
        print(f"  {name:26} wall {wall:5.2f} s ({wall / anchor:4.1f}x anchor), CPU {cpu:5.2f} s")


if __name__ == "__main__":
    main()
