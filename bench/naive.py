"""A second baseline: the naive minimal page, 50 rows through Flask-SQLAlchemy + Jinja."""

import os

from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import text

app = Flask(__name__)
app.config["SQLALCHEMY_DATABASE_URI"] = os.environ["DATABASE_URL"]
db = SQLAlchemy(app)

PAGE = """<!doctype html><html lang="en"><title>Communities</title><ul>
{% for row in rows %}<li>{{ row.name }} ({{ row.kind }})</li>{% endfor %}</ul></html>"""


@app.get("/")
def communities():
    rows = db.session.execute(text("SELECT name, kind FROM communities ORDER BY name LIMIT 50"))
    return render_template_string(PAGE, rows=rows.all())
