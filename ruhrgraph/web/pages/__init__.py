"""The linked-data pages: home and browse pages, a page for every entity IRI, canned query
pages and the source texts, with the charts and the map they draw."""
