"""Load test of the web server on loopback with wrk: the search, article and speaker pages, stepping
up concurrency until errors begin.

    apt-get install -y wrk
    .venv/bin/python bench/load_web.py [--db PATH|URL] [--articles 2000] [--step-seconds 10]
        [--connections 1,2,4,8,16,32,64,128,256,512] [--timeout 5] [--per-page]

Without --db it builds a store in a temporary folder: the bundled examples analysed for real with
varied names, multiplied to --articles records (as bench/bench_store.py does). It starts
`newsgraph serve` on a free loopback port, then runs wrk for --step-seconds at each number of
connections, every request taking the next of a rotation of pages: /search?q=WORD (several
words), /articles/ID (several articles) and /entities/ID (several speakers, the person page with
their quotes). After each step it prints requests/s, median, p95 and p99 latency and the errors
(non-2xx answers, socket errors, requests over --timeout). It stops at the first step with an
error and reports it as the point where errors begin, with the last step without errors;
`--per-page` then runs the same steps for each page alone. Every figure depends on the machine
and on what else runs on it.

Prints one `key=value` line per step and a summary line.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_store import analysed_variants, records

from newsgraph.store import Filters, Page, open_store
from newsgraph.store.runner import bulk_ingest

SEARCHES = ("grain", "power", "talks", "border", "museum", "corridor insurers")
LUA = """
local paths = {%s}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1], {["Accept"] = "text/html"})
end
done = function(summary, latency, requests)
  io.write(string.format(
    "RESULT requests=%%d duration_us=%%d p50_us=%%d p95_us=%%d p99_us=%%d max_us=%%d "
    .. "connect=%%d read=%%d write=%%d status=%%d timeout=%%d\\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout))
end
"""


@dataclass
class Step:
    connections: int
    requests: int
    seconds: float
    p50_ms: float
    p95_ms: float
    p99_ms: float
    errors: dict[str, int]

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def failed(self) -> int:
        return sum(self.errors.values())

    def line(self, label: str) -> str:
        errors = " ".join(f"{k}={v}" for k, v in self.errors.items())
        return (
            f"{label} connections={self.connections} requests={self.requests} rps={self.rps:.1f} "
            f"p50_ms={self.p50_ms:.1f} p95_ms={self.p95_ms:.1f} p99_ms={self.p99_ms:.1f} "
            f"errors={self.failed} ({errors})"
        )


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def build_store(location: str, size: int) -> None:
    analysed, _ = analysed_variants(2)
    ok = [a for a in analysed if not a.error]
    with open_store(location) as store:
        store.ingest(ok)
        bulk_ingest(store, records(ok, max(0, size - len(ok))), batch_size=1000)


def pages(location: str) -> dict[str, list[str]]:
    """Paths of each kind to rotate through, from what the store holds."""
    with open_store(location, create=False) as store:
        articles = [a.id for a in store.articles(Filters(), Page(limit=20)).items]
        people = store.entities(Filters(kind="PERSON"), Page(limit=10)).items
    if not articles or not people:
        raise SystemExit(f"load_web: the store {location} has no articles or no people to ask for")
    return {
        "search": [f"/search?q={q.replace(' ', '+')}" for q in SEARCHES],
        "article": [f"/articles/{a}" for a in articles],
        "speaker": [f"/entities/{p.id}" for p in people],
    }


def start_server(location: str, port: int) -> subprocess.Popen[bytes]:
    newsgraph = str(Path(sys.executable).with_name("newsgraph"))
    env = {k: v for k, v in os.environ.items() if k != "NEWSGRAPH_TOKEN"}
    server = subprocess.Popen(
        [newsgraph, "serve", "--db", location, "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/stats", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            time.sleep(0.1)
        if server.poll() is not None:
            raise SystemExit(f"load_web: the server did not start: {server.communicate()[1].decode()[-500:]}")
    server.kill()
    raise SystemExit("load_web: the server did not answer within 30 s")


def run_wrk(
    base: str, paths: list[str], connections: int, seconds: int, timeout: float, folder: Path
) -> Step:
    script = folder / "rotate.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    threads = max(1, min(connections, 2))
    done = subprocess.run(
        [
            "wrk",
            f"-t{threads}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            f"{max(1, timeout)}s",
            "-s",
            str(script),
            base,
        ],
        capture_output=True,
        text=True,
        timeout=seconds + timeout + 60,
        check=False,
    )
    found = re.search(r"RESULT (.*)", done.stdout)
    if done.returncode != 0 or not found:
        raise SystemExit(f"load_web: wrk failed: {done.stderr.strip() or done.stdout.strip()}")
    values = {k: int(v) for k, v in (pair.split("=") for pair in found.group(1).split())}
    return Step(
        connections=connections,
        requests=values["requests"],
        seconds=values["duration_us"] / 1e6,
        p50_ms=values["p50_us"] / 1000,
        p95_ms=values["p95_us"] / 1000,
        p99_ms=values["p99_us"] / 1000,
        errors={k: values[k] for k in ("status", "timeout", "connect", "read", "write")},
    )


def step_up(
    label: str, base: str, paths: list[str], steps: list[int], seconds: int, timeout: int, folder: Path
) -> tuple[Step | None, Step | None]:
    """Run the steps until one has errors; return the last clean step and the first failing one."""
    clean: Step | None = None
    for connections in steps:
        step = run_wrk(base, paths, connections, seconds, timeout, folder)
        print(step.line(label), flush=True)
        if step.failed:
            return clean, step
        clean = step
    return clean, None


def summary(label: str, clean: Step | None, failing: Step | None) -> str:
    if failing is None:
        assert clean is not None
        return (
            f"{label}_summary no errors up to {clean.connections} connections: "
            f"rps={clean.rps:.1f} p95_ms={clean.p95_ms:.1f}"
        )
    before = (
        f"last clean step {clean.connections} connections rps={clean.rps:.1f} p95_ms={clean.p95_ms:.1f}"
        if clean
        else "errors from the first step"
    )
    return (
        f"{label}_summary errors begin at {failing.connections} connections: rps={failing.rps:.1f} "
        f"p95_ms={failing.p95_ms:.1f} errors={failing.failed} {failing.errors}; {before}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--db", help="a store to serve (default: build one in a temporary folder)")
    ap.add_argument("--articles", type=int, default=2000, help="size of the store built without --db")
    ap.add_argument("--step-seconds", type=int, default=10, help="length of each step")
    ap.add_argument("--connections", default="1,2,4,8,16,32,64,128,256,512", help="the steps")
    ap.add_argument("--timeout", type=int, default=5, help="seconds; a slower answer counts as an error")
    ap.add_argument("--per-page", action="store_true", help="then each page alone")
    args = ap.parse_args()
    if shutil.which("wrk") is None:
        print("load_web: wrk is not installed: apt-get install -y wrk", file=sys.stderr)
        return 2
    try:
        steps = [int(c) for c in args.connections.split(",")]
    except ValueError:
        print(
            f"load_web: --connections {args.connections!r}: give numbers separated by commas", file=sys.stderr
        )
        return 2
    folder = Path(tempfile.mkdtemp(prefix="newsgraph-load-"))
    location = args.db or str(folder / "load.db")
    if not args.db:
        t0 = time.perf_counter()
        build_store(location, args.articles)
        print(f"store_articles={args.articles} build_seconds={time.perf_counter() - t0:.0f}", flush=True)
    kinds = pages(location)
    port = free_port()
    server = start_server(location, port)
    base = f"http://127.0.0.1:{port}"
    try:
        mixed = [p for group in zip(*kinds.values(), strict=False) for p in group]
        results = [("mixed", *step_up("mixed", base, mixed, steps, args.step_seconds, args.timeout, folder))]
        if args.per_page:
            for kind, paths in kinds.items():
                results.append(
                    (kind, *step_up(kind, base, paths, steps, args.step_seconds, args.timeout, folder))
                )
        for label, clean, failing in results:
            print(summary(label, clean, failing))
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
