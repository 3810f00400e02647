//! `vds_harness::main` for a provider author's own program: the provider it
//! registers is the default of `--provider`, is known by its name, and the
//! replay commands printed for failing runs name the author's program.
//! (One registration per process, so this is its own test binary.)

use std::sync::Arc;

use vds_harness::providers;
use vds_harness::suite::RunId;
use vds_sim::provider::ReferenceFactory;
use vds_sim::provider::wrap::{Wrap, Wrapped};
use vds_sim::runtime::EngineKind;

/// A provider of the author's: the reference under another name.
#[derive(Clone)]
struct Same;
impl Wrap for Same {}

#[test]
fn a_registered_provider_is_the_default_and_replays_name_the_program() {
    let factory = Wrapped::new("acme", ReferenceFactory::default(), Same);
    assert!(providers::register_own(
        Arc::new(factory),
        "target/debug/acme-conformance"
    ));
    assert_eq!(providers::own_name().as_deref(), Some("acme"));
    assert_eq!(
        providers::by_name("acme").map(|f| f.name()).ok().as_deref(),
        Some("acme")
    );
    assert!(providers::by_name("reference").is_ok());

    let run = RunId {
        campaign: vds_harness::campaigns::by_name("create-and-probe").expect("a campaign"),
        engine: EngineKind::Madsim,
        seed: 3,
    };
    assert_eq!(
        run.replay_command("acme"),
        "target/debug/acme-conformance replay --campaign create-and-probe --engine madsim --seed 3"
    );
    assert!(
        run.replay_command("reference")
            .ends_with(" --provider reference")
    );

    // The command line runs the registered provider without --provider.
    let status = vds_harness::cli::run_args([
        "acme-conformance",
        "replay",
        "--campaign",
        "create-and-probe",
        "--seed",
        "3",
    ]);
    assert_eq!(status, vds_harness::cli::EXIT_OK);
    assert!(!providers::register_own(
        Arc::new(ReferenceFactory::default()),
        "again"
    ));
}
