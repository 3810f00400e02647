//! Every shrunk failure reproduces: for each mutant of the catalogue, its
//! first failure in the default suite (and its first failure in the mixed
//! campaign, if it has one within 100 seeds) shrinks to a scenario file and
//! a feature that both fail with the mutant's check; a shrunk mixed run
//! has at most 7 calls; and shrinking is deterministic.

use std::path::{Path, PathBuf};

use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, writer};
use vds_harness::campaigns;
use vds_harness::checks::CheckId;
use vds_harness::mutants::{MUTANTS, Mutant};
use vds_harness::scenario::Scenario;
use vds_harness::shrink::{self, Shrinker, Shrunk};
use vds_harness::suite::{self, SuiteConfig};
use vds_sim::provider::ProviderFactory;
use vds_sim::runtime::EngineKind;

use vds_harness::features::VdsWorld;

/// A failed run: its campaign, engine and seed.
struct Failure {
    campaign: &'static campaigns::Campaign,
    engine: EngineKind,
    seed: u64,
}

/// The first failure with the mutant's check of this suite configuration.
fn first_failure(cfg: SuiteConfig, check: CheckId) -> Option<Failure> {
    let report = suite::run(&cfg.fail_fast(true), &mut |_| {});
    let run = report
        .failures
        .iter()
        .find(|f| f.findings.iter().any(|x| x.check == check))?;
    Some(Failure {
        campaign: campaigns::by_name(&run.campaign).expect("a campaign run"),
        engine: run.engine,
        seed: run.seed,
    })
}

fn out_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("shrink");
    std::fs::create_dir_all(&dir).expect("a scratch directory");
    dir
}

/// Shrinks a failure and checks that both files it writes fail the same way.
fn shrink_and_replay(m: &Mutant, f: &Failure) -> Result<Shrunk, String> {
    let factory = m.factory();
    let check: CheckId = m.caught_by.into();
    let world = (f.campaign.build)(f.seed).engine(f.engine);
    let shrunk = Shrinker::new(factory.as_ref())
        .check(Some(check))
        .shrink(&world)
        .map_err(|e| e.to_string())?;
    let stem = format!(
        "{}-{}-{}-seed{}",
        m.name(),
        f.campaign.name,
        f.engine,
        f.seed
    );
    let origin = format!("{} on {} seed {}", f.campaign.name, f.engine, f.seed);
    let files = shrink::write_files(&out_dir(), &stem, &origin, &factory.name(), &shrunk)
        .map_err(|e| e.to_string())?;
    scenario_fails(&files.scenario, factory.as_ref(), check)?;
    feature_fails(&files.feature, &factory.name(), check)?;
    Ok(shrunk)
}

/// `run --scenario FILE` fails with the check.
fn scenario_fails(
    path: &Path,
    factory: &dyn ProviderFactory,
    check: CheckId,
) -> Result<(), String> {
    let s = Scenario::load(path).map_err(|e| e.to_string())?;
    let (report, _) = suite::run_scenarios(&[s], factory, None, &mut |_| {});
    let found: Vec<CheckId> = report
        .failures
        .iter()
        .flat_map(|f| f.findings.iter().map(|x| x.check))
        .collect();
    if found.contains(&check) {
        Ok(())
    } else {
        Err(format!("{} fails {found:?}, not {check}", path.display()))
    }
}

/// The features runner, given the feature with the provider named in it,
/// fails it with the check.
fn feature_fails(path: &Path, provider: &str, check: CheckId) -> Result<(), String> {
    let text = std::fs::read_to_string(path).map_err(|e| e.to_string())?;
    let pinned = text.replacen(
        "    Given seed",
        &format!("    Given the provider under test is \"{provider}\"\n    And seed"),
        1,
    );
    let dir = path.with_extension("run");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("case.feature"), pinned).map_err(|e| e.to_string())?;
    let log = dir.join("output.txt");
    let out = std::fs::File::create(&log).map_err(|e| e.to_string())?;
    let writer = futures::executor::block_on(
        VdsWorld::cucumber::<PathBuf>()
            .with_writer(
                writer::Basic::raw(out, writer::Coloring::Never, 0)
                    .summarized()
                    .normalized(),
            )
            .fail_on_skipped()
            .with_default_cli()
            .run(dir.clone()),
    );
    let output = std::fs::read_to_string(&log).unwrap_or_default();
    if writer.parsing_errors() > 0 || writer.skipped_steps() > 0 {
        return Err(format!("{}: not run as written:\n{output}", path.display()));
    }
    if writer.failed_steps() != 1 || !output.contains(&format!("  {check}: ")) {
        return Err(format!(
            "{}: expected its last step to fail with {check}:\n{output}",
            path.display()
        ));
    }
    Ok(())
}

#[test]
fn every_mutants_first_failure_shrinks_to_a_scenario_and_a_feature_that_fail_the_same_way() {
    let mut problems = Vec::new();
    for m in MUTANTS {
        let check: CheckId = m.caught_by.into();
        let cfg = SuiteConfig::new(m.factory()).stuck_after(std::time::Duration::from_secs(2));
        let Some(f) = first_failure(cfg, check) else {
            problems.push(format!("{}: no failure with {check}", m.name()));
            continue;
        };
        if let Err(e) = shrink_and_replay(m, &f) {
            problems.push(format!(
                "{} ({} seed {}): {e}",
                m.name(),
                f.campaign.name,
                f.seed
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_failing_mixed_run_shrinks_to_at_most_seven_calls() {
    let mixed = campaigns::by_name("mixed").expect("the mixed campaign");
    let mut problems = Vec::new();
    let mut shrunk = 0;
    for m in MUTANTS {
        let check: CheckId = m.caught_by.into();
        let cfg = SuiteConfig::new(m.factory())
            .campaigns(vec![mixed])
            .engines(&[EngineKind::Madsim])
            .mixed_seeds(100)
            .stuck_after(std::time::Duration::from_secs(2));
        let Some(f) = first_failure(cfg, check) else {
            continue;
        };
        match shrink_and_replay(m, &f) {
            // Seven: no-serialisation's first mixed failure is now an overlap
            // shown through the array's log (BUSY-IN-DOMAIN), which shrinks to
            // seven calls where the QueryStatus evidence took six.
            Ok(s) if s.calls() <= 7 => shrunk += 1,
            Ok(s) => problems.push(format!(
                "{} (mixed seed {}): {} calls left",
                m.name(),
                f.seed,
                s.calls()
            )),
            Err(e) => problems.push(format!("{} (mixed seed {}): {e}", m.name(), f.seed)),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(
        shrunk >= 10,
        "only {shrunk} mutants fail in the mixed campaign"
    );
}

#[test]
fn shrinking_is_deterministic() {
    let m = MUTANTS
        .iter()
        .find(|m| m.name() == "restart-keeps-cache")
        .expect("a catalogued mutant");
    let factory = m.factory();
    let restart = campaigns::by_name("restart").expect("the restart campaign");
    let world = (restart.build)(0).engine(EngineKind::Turmoil);
    let a = Shrinker::new(factory.as_ref())
        .shrink(&world)
        .expect("a failure");
    let b = Shrinker::new(factory.as_ref())
        .shrink(&world)
        .expect("a failure");
    let yaml = |s: &Shrunk| vds_harness::scenario::write::to_yaml(&s.world, "x", "");
    assert_eq!(yaml(&a), yaml(&b));
    assert_eq!(a.outcome.trace, b.outcome.trace);
    assert_eq!(a.runs, b.runs);
}
