//! YAML scenario files: strict loading, with errors that name file, line and column.
