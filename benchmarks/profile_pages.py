"""Where the busiest pages spend their CPU: milliseconds per request, and a cProfile on demand.

    .venv/bin/python benchmarks/profile_pages.py --database URL [--history] [--repeat N]
        [--profile PAGE [--sort cumulative|tottime] [--lines 40]] [--export]

Runs the app in-process (production settings, as `bench_pages` does) with a signed-in
coordinator's test client and prints JSON: CPU ms/request per page and SQL statements per page.
The database at URL is kept between runs, so before/after comparisons of a change run on the
same rows: an empty database is filled with the demo data first (and with `--history`, the
50,000 meetings of `bench_history` on top). `--export` also times the history XLSX download.
On a shared machine the CPU time (time.process_time) is the figure to compare, not wall time.
"""

import argparse
import cProfile
import io
import json
import pstats
import sys
import tempfile
import time
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import bench_pages  # noqa: E402
from benchmarks.run import count_queries  # noqa: E402

PAGES = ("dashboard", "history", "month_calendar", "meeting")


def _paths(app) -> dict | None:
    """The pages' addresses in an already prepared database, or None when it is empty."""
    from scheduler.extensions import db
    from scheduler.meetings.models import Meeting, Participant

    with app.app_context():
        if not sa.inspect(db.engine).has_table("meetings"):
            return None
        busiest = (sa.select(Participant.meeting_id).join(Meeting)
                   .where(Meeting.start_dt >= sa.func.now())
                   .group_by(Participant.meeting_id)
                   .order_by(sa.func.count().desc(), Participant.meeting_id).limit(1))  # fmt: skip
        meeting_id = db.session.scalar(busiest)
    return {"dashboard": "/", "history": "/history/", "month_calendar": "/calendar/month",
            "meeting": f"/meetings/{meeting_id}"}  # fmt: skip


def _prepare(app, history: bool) -> dict:
    paths = _paths(app)
    if paths is None:
        prepared = bench_pages._prepare_demo(app)
        if history:
            bench_pages._add_history(app, prepared["user_id"])
        paths = _paths(app)
    return paths


def _profile(client, path: str, repeat: int, sort: str, lines: int) -> str:
    profiler = cProfile.Profile(time.process_time)  # CPU, not the wall of a busy machine
    profiler.enable()
    for _ in range(repeat):
        client.get(path)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(lines)
    return out.getvalue()


def _export_seconds(client) -> dict:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get("/history/export.xlsx")
    size = len(response.get_data())
    return {"wall_s": round(time.perf_counter() - wall, 2),
            "cpu_s": round(time.process_time() - cpu, 2), "bytes": size}  # fmt: skip


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="PostgreSQL URL of a kept database")
    parser.add_argument("--history", action="store_true", help="add the 50,000 meetings")
    parser.add_argument("--repeat", type=int, default=bench_pages.CPU_REPEAT)
    parser.add_argument("--profile", choices=PAGES, help="print a cProfile of this page")
    parser.add_argument("--sort", default="cumulative")
    parser.add_argument("--lines", type=int, default=40)
    parser.add_argument("--export", action="store_true", help="time the XLSX export too")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        app = bench_pages._app(bench_pages._environment(args.database, Path(folder)))
        paths = _prepare(app, args.history)
        client = bench_pages._signed_in_client(app)
        if args.profile:
            client.get(paths[args.profile])
            print(_profile(client, paths[args.profile], args.repeat, args.sort, args.lines))
            return 0
        result = {"cpu_ms": bench_pages.cpu_ms(app, paths, args.repeat),
                  "queries": {name: count_queries(app, client, path)
                              for name, path in paths.items()}}  # fmt: skip
        if args.export:
            result["export"] = _export_seconds(client)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
