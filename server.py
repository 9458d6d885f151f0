"""WSGI entry point: ``granian --interface wsgi server:app`` (or any WSGI server) serves the
built graph; ``ruhrgraph serve`` is the production way (docs/deploy.md)."""

from ruhrgraph.web import create_app

app = create_app()
