"""WSGI entry point: ``gunicorn app:app``."""

from svcgen.api import create_app

app = create_app()
