"""sheath ui: a local, read-only web page over a working directory (``sheath ui``).

``sheath.ui.model`` builds the JSON the ``/api/`` endpoints return; ``sheath.ui.server``
serves it and the page in ``static/`` with the standard library's HTTP server.
"""
