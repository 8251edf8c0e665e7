"""The baselines for request benchmarks: a bare Flask app (no extensions, no database).

`/` renders one small template. `/snapshot/<name>` renders a page saved from our app as a
template with no logic, so the same bytes go out as from our page (BENCH_SNAPSHOTS names the
folder).
"""

import os

from flask import Flask, render_template

app = Flask(__name__)
snapshots = Flask("snapshots", template_folder=os.environ.get("BENCH_SNAPSHOTS", "templates"))


@app.get("/")
def page() -> str:
    return render_template("page.html", items=range(20))


@app.get("/snapshot/<name>")
def snapshot(name: str) -> str:
    with snapshots.app_context():
        return render_template(f"{name}.html")
