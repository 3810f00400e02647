//! The build guard of the workspace: it has no code, only a build script
//! that stops the build, before anything else of the workspace compiles,
//! when `--cfg madsim` or `--cfg tokio_unstable` is missing (a `RUSTFLAGS`
//! environment variable replaces the flags of `.cargo/config.toml`). Every
//! package of the workspace depends on it, and it depends on nothing, so
//! its check is the first error of such a build, and the only one.
#![no_std]
