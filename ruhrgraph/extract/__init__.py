"""Extract stage: the catalogue text -> :class:`~ruhrgraph.records.Catalogue` + findings.

``reader`` reads the text (front matter, table of contents, body, checks, record assembly);
``markup`` handles the HTML and markdown fragments with offsets kept; ``durations`` reads a
Laufzeit.
"""

from ruhrgraph.extract.reader import ReadError, decode, parse, read

__all__ = ["ReadError", "decode", "parse", "read"]
