"""8. CPU per refresh in Home Assistant: this tree beside the code before the restructuring.

One refresh is what a battery's coordinator costs the event loop per poll interval: the
`ES.GetMode` request, the reply's decode and parse, `MarstekData`, and the entities' state
writes. `refresh_scenario.py` measures it with pytest inside Home Assistant, simulated batteries
in another process; this benchmark runs it twice in the same run, against this tree and against
`BEFORE` (the commit before the restructuring, taken with `git archive`), and prints both.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .results import Result
from .settings import Settings
from .sim_process import simulator_process

NAME = "refresh"
TITLE = "CPU per coordinator refresh in Home Assistant (this tree and the code before)"

# main before issue 19 (the import graph, the coordinator's split, the fast lane).
BEFORE = "2e4a12f"
BATTERIES = 10
BASE_IP = "127.0.0.40"
TARGET_US = 2000.0
_REPO_ROOT = Path(__file__).resolve().parents[1]
_PYTEST_INI = """[pytest]
pythonpath = .
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
"""


@contextmanager
def _scratch(integration: Path | None) -> Iterator[Path]:
    """A folder with one version of the integration, the simulator and the scenario.

    `integration` None: this tree's (linked, so uncommitted changes count); else an extracted
    copy of `BEFORE`'s.
    """
    with tempfile.TemporaryDirectory(prefix="bench-refresh-") as folder:
        root = Path(folder)
        if integration is None:
            (root / "custom_components").symlink_to(_REPO_ROOT / "custom_components")
        else:
            shutil.copytree(integration, root / "custom_components")
        (root / "simulator").symlink_to(_REPO_ROOT / "simulator")
        # The suite's root conftest: loopback-only sockets and the real network adapters.
        shutil.copy(_REPO_ROOT / "tests" / "conftest.py", root / "conftest.py")
        shutil.copy(Path(__file__).with_name("refresh_scenario.py"), root / "test_refresh.py")
        (root / "pytest.ini").write_text(_PYTEST_INI, encoding="utf-8")
        yield root


def _before_tree(into: Path) -> Path | None:
    """`BEFORE`'s custom_components: as scripts/bench extracted it, else from git, else None."""
    prepared = _REPO_ROOT / "build" / "bench-before" / BEFORE / "custom_components"
    if prepared.is_dir():
        return prepared
    try:
        archive = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            ["git", "-C", str(_REPO_ROOT), "archive", BEFORE, "custom_components"],  # noqa: S607
            capture_output=True,
            check=False,
        )
    except FileNotFoundError:  # no git here (the toolchain)
        return None
    if archive.returncode != 0:
        return None
    tarball = into / "before.tar"
    tarball.write_bytes(archive.stdout)
    shutil.unpack_archive(tarball, into)
    return into / "custom_components"


async def _measure(root: Path, settings: Settings, refreshes: int) -> tuple[float | None, str]:
    """Run the scenario in `root`; the figure in µs (None when it failed) and pytest's tail."""
    env = dict(os.environ)
    env.update(
        BENCH_PORT=str(settings.port),
        BENCH_REFRESHES=str(refreshes),
        BENCH_BATTERIES=str(BATTERIES),
        BENCH_BASE_IP=BASE_IP,
        PYTHONPATH=str(root),
    )
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "pytest",
        "test_refresh.py",
        "-q",
        "-s",
        "-p",
        "no:cacheprovider",
        cwd=root,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await process.communicate()
    text = output.decode(errors="replace")
    for line in text.splitlines():
        if line.startswith("FIGURE|cpu per refresh|") and process.returncode == 0:
            return float(line.split("|")[2]), ""
    return None, " | ".join(text.strip().splitlines()[-5:])


async def run(settings: Settings) -> Result:
    """Measure this tree, then the code before, against the same simulated batteries."""
    refreshes = settings.size(quick=50, full=200)
    result = Result(NAME, TITLE)
    result.parameters = {"batteries": BATTERIES, "refreshes each": refreshes, "before": BEFORE}
    async with simulator_process(batteries=BATTERIES, base_ip=BASE_IP, port=settings.port):
        with _scratch(None) as root:
            now, failure = await _measure(root, settings, refreshes)
        with tempfile.TemporaryDirectory(prefix="bench-before-") as folder:
            before_tree = await asyncio.to_thread(_before_tree, Path(folder))
            before: float | None = None
            if before_tree is None:
                result.notes.append(f"the code before ({BEFORE}) was not found (run scripts/bench)")
            else:
                with _scratch(before_tree) as root:
                    before, before_failure = await _measure(root, settings, refreshes)
                if before is None:
                    result.notes.append(f"the code before did not run: {before_failure}")
    if now is None:
        result.error = f"the scenario did not pass: {failure}"
        return result
    result.add(
        "this tree: CPU per refresh",
        now,
        "µs",
        target=f"<= {TARGET_US:g}",
        met=now <= TARGET_US,
        digits=0,
    )
    if before is not None:
        result.add(f"before ({BEFORE}): CPU per refresh", before, "µs", digits=0)
        result.add("this tree / before", now / before, "", digits=2)
    return result
