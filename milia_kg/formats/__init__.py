"""Every file format milia-kg reads, one module each, below a dispatcher (:mod:`.sniff`) and the
reader of any external ontology file (:mod:`.read`). Formats never import the reasoner."""
