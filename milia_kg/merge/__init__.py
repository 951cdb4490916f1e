"""External ontologies merged with the graph (:mod:`.union`) and merges kept as Oxigraph stores
keyed by their content (:mod:`.store`)."""
