"""Link stage: records + curated reference data -> linked records.

``reference`` loads ``data/reference/``; ``linker`` finds the places, organisations,
ministries and projects each project's text names; ``export`` writes the linked records as
JSON and CSV (``ruhrgraph extract``).
"""

from ruhrgraph.link.linker import link, load_project_aliases, load_stop_phrases

__all__ = ["link", "load_project_aliases", "load_stop_phrases"]
