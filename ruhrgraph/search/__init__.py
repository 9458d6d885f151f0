"""Full-text search of the catalogue: an SQLite FTS5 index written into each release.

``analysis`` turns text into folded German stems (Snowball, via PyStemmer) with the offsets
of each word, and a user's query into terms or a clear :class:`SearchInputError`;
``documents`` reads what is searchable from a built store (projects, measures, action
fields, places, organisations, ministries), each with its source lines; ``index`` writes the
index at build time and answers ranked (BM25) hits with marked snippets at run time.
"""

from ruhrgraph.search.analysis import SearchInputError, SearchQuery, parse_query
from ruhrgraph.search.index import Hit, Index, Results, write_index

__all__ = ["Hit", "Index", "Results", "SearchInputError", "SearchQuery", "parse_query",
           "write_index"]
