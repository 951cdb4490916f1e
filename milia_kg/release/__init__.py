"""The project's sources turned into one reasoned, validated, published graph: sources, pipeline,
validation, the deterministic writers, the release folder, the disk cache and ``push``."""
