"""ruhrgraph: the Ruhr-Konferenz catalogue as a linked-data knowledge graph."""

__version__ = "0.1.0"
