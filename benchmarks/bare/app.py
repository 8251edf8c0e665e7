"""The baseline for request benchmarks: a bare Flask app rendering one small template."""

from flask import Flask, render_template

app = Flask(__name__)


@app.get("/")
def page() -> str:
    return render_template("page.html", items=range(20))
