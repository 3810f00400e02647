//! Scenario files that once caught a bug of the reference provider, run as
//! campaigns of the default suite, so the gate keeps refusing a provider
//! with the same bug. They are judged by the oracle like every campaign;
//! the files' own `expect` lines are the reference's answers and are
//! checked by `run --scenario` and the workspace tests, not here. The
//! files are compiled in, so the `vds-harness` binary needs no checkout.

use std::sync::OnceLock;

use vds_sim::runtime::EngineKind;
use vds_sim::world::WorldConfig;

use crate::scenario::Scenario;

/// Parses an embedded file once; a file that does not load is a bug of
/// this crate, caught by its tests.
fn world(cell: &'static OnceLock<Scenario>, file: &str, text: &str, seed: u64) -> WorldConfig {
    let s = cell.get_or_init(|| {
        Scenario::parse(text, file).unwrap_or_else(|e| panic!("embedded regression: {e}"))
    });
    // The suite sets the run's engine on the world it gets back.
    s.world(s.seeds.start + seed, EngineKind::Madsim)
}

macro_rules! regressions {
    ($($(#[$doc:meta])* $build:ident => $file:literal;)*) => {
        $(
            $(#[$doc])*
            pub fn $build(seed: u64) -> WorldConfig {
                static CELL: OnceLock<Scenario> = OnceLock::new();
                world(
                    &CELL,
                    concat!("scenarios/", $file),
                    include_str!(concat!("../../scenarios/", $file)),
                    seed,
                )
            }
        )*
    };
}

regressions! {
    /// `scenarios/refresh_overtaken_by_create_target.yaml`.
    refresh_overtaken => "refresh_overtaken_by_create_target.yaml";
    /// `scenarios/null_pointer_while_busy.yaml`.
    null_pointer_while_busy => "null_pointer_while_busy.yaml";
    /// `scenarios/restart_during_create_portal_group.yaml`.
    restart_during_create_portal_group => "restart_during_create_portal_group.yaml";
    /// `scenarios/reload_across_restart.yaml`.
    reload_across_restart => "reload_across_restart.yaml";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedded_file_loads() {
        for build in [
            refresh_overtaken,
            null_pointer_while_busy,
            restart_during_create_portal_group,
            reload_across_restart,
        ] {
            assert!(!build(0).clients.is_empty());
        }
    }
}
