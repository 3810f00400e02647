//! A deterministic simulation of the Microsoft Virtual Disk Service (VDS)
//! iSCSI hardware-provider contract, centred on
//! `IVdsIscsiTarget::CreatePortalGroup` and the `IVdsAsync` object it returns.
//!
//! The crate gives a provider author the contract as Rust types and traits
//! ([`interfaces`]), a storage array that is the single source of truth
//! ([`array`](mod@array)), a reference provider that keeps the contract ([`provider`]),
//! faults to inject ([`faults`]), and two seeded engines ([`engine`]) that
//! run the same world ([`run`]). Every run is a pure function of its seed.

#![warn(missing_docs)]

// The workspace's build guard (the `vds-cfg-guard` build script) stops such a
// build first; this stays as a second guard.
#[cfg(not(all(madsim, tokio_unstable)))]
compile_error!(
    "vds-sim needs `--cfg madsim --cfg tokio_unstable`. They are set in \
     .cargo/config.toml, but a RUSTFLAGS environment variable replaces that file's \
     build.rustflags. Fix: keep your flags and add both, \
     RUSTFLAGS=\"$RUSTFLAGS --cfg madsim --cfg tokio_unstable\"; or \
     `unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS`."
);

pub mod array;
pub mod client;
pub mod com;
pub mod engine;
mod fault_kind;
pub mod faults;
pub mod hresult;
pub mod interfaces;
pub mod ledger;
pub mod method;
pub mod outcomes;
pub mod output_type;
pub mod prelude;
pub mod profile;
pub mod program;
pub mod props;
pub mod provider;
pub mod runtime;
pub mod seeds;
pub mod trace;
pub mod workload;
pub mod world;

pub use engine::run;
pub use interfaces::async_output;

/// Re-exported so that a provider crate needs no dependency of its own to
/// implement the interface traits: write `#[vds_sim::async_trait]` on each impl.
pub use async_trait::async_trait;
