"""Flask routes of the web process that are not Dash pages: snapshot images, map tiles, downloads, open data.

`register(server)` is called once by app.py. Each module here owns one blueprint; paths on disk
are never built from request text (ids are looked up in the database, then joined to a
configured folder).
"""

from __future__ import annotations

from flask import Flask


def register(server: Flask) -> None:
    """Attach every blueprint of this package to the Flask server."""
    # Imported here, not at module top, so that importing `routes` does no work (DESIGN: no I/O at import).
    from routes.open311 import bp as open311
    from routes.open_data import bp as open_data
    from routes.reports import bp as reports
    from routes.snapshots import bp as snapshots
    from routes.tiles import bp as tiles

    blueprints: list = [snapshots, tiles, open_data, reports, open311]
    for bp in blueprints:
        server.register_blueprint(bp)
