"""Run one of the shared scorers (../shared/eval) on a system and read its summary line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
EVAL = SHARED / "eval"


def newsgraph_command() -> str:
    """The installed `newsgraph` beside this interpreter, else the module through it."""
    script = Path(sys.executable).parent / "newsgraph"
    return str(script) if script.exists() else f"{sys.executable} -m newsgraph.cli"


def run_scorer(
    scorer: str, *args: str, system: str | None = None, limit: int = 0, echo: bool = False
) -> dict[str, str]:
    """`python ../shared/eval/SCORER --system SYSTEM ARGS...`: its last line as {metric: value}.

    Raises RuntimeError with the scorer's output when it fails (an ERROR line, a non-zero exit).
    """
    cmd = [sys.executable, str(EVAL / scorer), "--system", system or newsgraph_command(), *args]
    if limit:
        cmd += ["--limit", str(limit)]
    if echo:
        print("$", " ".join(cmd), flush=True)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False, cwd=ROOT)
    if proc.returncode != 0 or not proc.stdout.strip():
        raise RuntimeError(
            f"{scorer} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}"
        )
    return dict(kv.split("=", 1) for kv in proc.stdout.strip().splitlines()[-1].split())
