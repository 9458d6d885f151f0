"""Open-data publishing on the web: ``/catalog``, ``/void``, ``/downloads``, robots and
sitemaps."""
