"""``/sparql``: the SPARQL 1.1 Protocol (``sparql``, ``fastpath``), its media types
(``negotiation``), its service description and prefixes (``service``), the query page
(``editor``)."""
