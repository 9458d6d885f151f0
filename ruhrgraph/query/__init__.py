"""Query stage: what the web asks the graph through, with no Flask here.

``backends`` is the backend protocol and the embedded store, ``remote`` the one remote
backend (SPARQL protocol) and the Graph Store push of ``ruhrgraph load``; ``executor`` runs a
query under a deadline; ``cache`` keeps finished results; ``guard`` refuses what a query
must not do; ``bindings`` writes typed terms into our own queries for engines without
substitutions; ``canned`` reads ``queries/*.rq``.
"""
