"""Graph stage: linked records -> RDF (N-Quads), SHACL validation, ontology docs.

``mapping`` writes the triples of the model (``docs/model.md``); ``validate`` checks them
against ``ontology/shapes.ttl``; ``ontodoc`` writes the ontology page with pyLODE."""
