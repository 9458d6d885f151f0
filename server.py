"""WSGI entry point: ``gunicorn server:app`` (or any WSGI server) serves the built graph."""

from ruhrgraph.web import create_app

app = create_app()
