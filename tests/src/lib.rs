//! Workspace-level test helpers: loading the golden vectors kept in `tests/vectors/`.
