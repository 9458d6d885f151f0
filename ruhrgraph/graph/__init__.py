"""Graph stage: linked records -> RDF (N-Quads), SHACL validation, ontology docs.

``checks`` finds the records that do not fit together (a pre-pass, as findings);
``mapping`` writes the triples of the model (``docs/model.md``) with the ``nquads`` writer
and the ``terms`` tables; ``provenance`` writes the build's meta graph; ``validate`` checks
the graph against ``ontology/shapes.ttl``; ``ontodoc`` writes the ontology page with pyLODE."""
