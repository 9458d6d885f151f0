"""Query stage: what the web asks the graph through, with no Flask here.

``backends`` is the embedded store or a remote endpoint (``remote``); ``executor`` runs a
query under a deadline; ``cache`` keeps finished results; ``guard`` refuses what a query
must not do; ``bindings`` writes typed terms into our own queries for engines without
substitutions; ``canned`` reads ``queries/*.rq``.
"""
