"""The web application: server-rendered pages and a JSON API over the same functions as the CLI."""

from msops.web.app import create_app

__all__ = ["create_app"]
