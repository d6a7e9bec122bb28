"""The ceiling for ``bench/load.py``: a bare Flask app answering one fixed string.

Served by gunicorn with the same settings as the site, it shows how many requests a second the
server, the machine and the load generator allow before any of the site's own work.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def fixed() -> str:
    return "Local Offer ceiling\n"
