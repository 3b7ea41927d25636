"""The yardstick for benchmarks: the smallest Flask route, served by the same gunicorn config."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def minimal():
    return "ok"
