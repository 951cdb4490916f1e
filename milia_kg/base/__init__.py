"""The ground floor: bounded file reads, packaged resources, the HTTP policy, progress and lazy
re-exports. Nothing here knows the project's flow, and nothing heavy is imported on import."""
