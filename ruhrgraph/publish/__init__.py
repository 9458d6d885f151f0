"""Publish stage: the graph described for portals and crawlers.

``dcat`` makes the DCAT-AP.de catalogue, VoID and the schema.org Dataset from the
build's manifest, the settings and the graph's figures (statistics).
"""
