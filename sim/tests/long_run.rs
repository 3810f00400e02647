//! A long but healthy run is never judged by the wall clock: its verdict is
//! the same on a slow machine, under load and in a debug build. Ignored by
//! default (it takes tens of seconds); run with
//! `cargo test --release -p vds-sim --test long_run -- --ignored`.

use std::time::Duration;

use vds_sim::prelude::*;

fn long_world(steps: usize, engine: EngineKind) -> WorldConfig {
    WorldConfig::new(0)
        .engine(engine)
        .array(ArrayConfig::new().target("t1"))
        .time_limit(Duration::from_secs(3_600))
        // Far below the run's own length in wall time: only a standstill may trip it.
        .stuck_after(Duration::from_secs(2))
        .client(ClientProgram::new("c1", vec![Step::QueryTargets; steps]))
}

#[test]
#[ignore = "long: 600,000 calls"]
fn six_hundred_thousand_calls_finish_without_a_wall_clock_verdict() {
    let outcome = vds_sim::run(
        &long_world(600_000, EngineKind::Madsim),
        &ReferenceFactory::default(),
    );
    assert!(outcome.error.is_none(), "{:?}", outcome.error);
    assert_eq!(
        outcome.steps.len(),
        600_000 + outcome.steps.iter().filter(|s| s.step == 0).count()
    );
}
