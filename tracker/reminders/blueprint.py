"""The reminders blueprint, on its own so that each page module can register on it without a cycle."""
from flask import Blueprint

bp = Blueprint("reminders", __name__)
