/// The engine comes with the pipeline: its users (the command line, the preview, tests) see jobs,
/// ids and artifacts without importing it themselves.
@_exported import Engine
