"""The app as gunicorn serves it in the feed benchmark, plus the same bytes as static files.

    gunicorn -w 2 'benchmarks.feed_server:create()'

with BENCH_FEED_DATABASE_URL (the prepared database) and BENCH_FEED_STATIC_DIR (the folder
holding the feed bytes as files, served at /bench-static/<name> by Flask's send_from_directory,
the yardstick) in the environment.
"""

import os


def create():
    from flask import send_from_directory

    from benchmarks.bench_feed import app_for
    from scheduler.security import public

    app = app_for(os.environ["BENCH_FEED_DATABASE_URL"])
    folder = os.environ["BENCH_FEED_STATIC_DIR"]

    @app.route("/bench-static/<name>")
    @public
    def bench_static(name: str):
        return send_from_directory(folder, name, mimetype="text/calendar")

    return app
