"""The conversations blueprint: its pages are added by this package's view modules."""

from flask import Blueprint

bp = Blueprint("conversations", __name__)
