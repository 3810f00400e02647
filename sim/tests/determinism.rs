//! A run is a pure function of (seed, scenario, provider): the same seed
//! gives byte-identical traces, and different seeds give different
//! interleavings, on both engines.

use std::collections::BTreeSet;

use vds_sim::array::ArrayConfig;
use vds_sim::program::{ClientProgram, Step};
use vds_sim::provider::ReferenceFactory;
use vds_sim::run;
use vds_sim::runtime::EngineKind;
use vds_sim::workload;
use vds_sim::world::WorldConfig;

#[test]
fn two_hundred_seeds_give_identical_traces_twice_on_each_engine() {
    let factory = ReferenceFactory::default();
    for engine in EngineKind::ALL {
        for seed in 0..200 {
            let cfg = workload::mixed(seed).engine(engine);
            let a = run(&cfg, &factory);
            let b = run(&cfg, &factory);
            assert!(
                a.error.is_none(),
                "{engine} seed {seed}: {:?}\n{}",
                a.error,
                a.trace_text()
            );
            assert_eq!(
                a.trace_text(),
                b.trace_text(),
                "{engine} seed {seed} differs between runs"
            );
        }
    }
}

/// A fixed program with three clients racing on one target.
fn race(seed: u64) -> WorldConfig {
    let mut cfg =
        WorldConfig::new(seed).array(ArrayConfig::new().group_limit(8).target("t1").target("t2"));
    for c in ["a", "b", "c"] {
        cfg = cfg.client(ClientProgram::new(
            c,
            vec![
                Step::CreatePortalGroup {
                    target: "t1".into(),
                    bind: "op".into(),
                },
                Step::Wait {
                    op: "op".into(),
                    bind: None,
                },
                Step::CreatePortalGroup {
                    target: "t2".into(),
                    bind: "op".into(),
                },
                Step::Wait {
                    op: "op".into(),
                    bind: None,
                },
                Step::QueryPortalGroups {
                    target: "t1".into(),
                    bind: None,
                },
            ],
        ));
    }
    cfg
}

/// The order in which clients' calls returned, e.g. `a1 b1 a2 c1 ...`.
fn interleaving(engine: EngineKind, seed: u64) -> String {
    let out = run(&race(seed).engine(engine), &ReferenceFactory::default());
    out.steps
        .iter()
        .filter(|s| s.step > 0)
        .map(|s| format!("{}{}:{}", s.client, s.step, s.hr.as_u32()))
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn different_seeds_give_different_interleavings() {
    for engine in EngineKind::ALL {
        let orders: BTreeSet<String> = (1..=12).map(|seed| interleaving(engine, seed)).collect();
        assert!(
            orders.len() >= 3,
            "{engine}: only {} distinct interleavings: {orders:#?}",
            orders.len()
        );
        assert_eq!(interleaving(engine, 5), interleaving(engine, 5));
    }
}

fn madsim_world() -> impl std::future::Future<Output = (bool, std::time::Duration)> {
    let cfg = workload::mixed(42);
    vds_sim::engine::madsim_future(&cfg, &ReferenceFactory::default())
}

#[test]
fn madsim_own_determinism_check_passes() {
    let (finished, _) = madsim::runtime::Runtime::check_determinism(
        vds_sim::seeds::derive(42, vds_sim::seeds::Stream::Engine),
        madsim::Config::default(),
        madsim_world,
    );
    assert!(finished);
}
