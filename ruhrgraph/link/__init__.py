"""Link stage: records + curated reference data -> linked records.

``reference`` loads ``data/reference/``; ``gazetteer`` compiles the names to look for (with
the project aliases and stop phrases); ``linker`` finds the places, organisations,
ministries and projects each project's text names; ``export`` writes the linked records as
JSON and CSV (``ruhrgraph extract``).
"""

from ruhrgraph.link.gazetteer import (
    load_programme_names,
    load_project_aliases,
    load_stop_phrases,
)
from ruhrgraph.link.linker import link

__all__ = ["link", "load_programme_names", "load_project_aliases", "load_stop_phrases"]
