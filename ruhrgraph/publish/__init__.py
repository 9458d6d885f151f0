"""Publish stage: the graph described for portals and crawlers.

``publication`` holds what every description is made of (the build's manifest read into
dumps, the settings, the graph's summary, the server's URLs) and the RDF helpers they share;
``dcat`` makes the DCAT-AP.de catalogue, ``void`` the VoID description, ``schemaorg`` the
schema.org Dataset of the pages; ``statistics`` computes the graph's figures.
"""
