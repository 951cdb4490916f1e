"""The HTTP face: the FastAPI app (:mod:`.app`), the SPARQL 1.1 Protocol (:mod:`.protocol`), the
web page (:mod:`.page`), the decision-support routes (:mod:`.cds`) and shared HTTP helpers
(:mod:`.http`). Needs the ``[serve]`` extra."""
