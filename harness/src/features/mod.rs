//! The Gherkin features of the contract: the step definitions (`given`,
//! `when`, `then`), the cucumber [`world::VdsWorld`] they drive, the
//! project's own feature files (compiled in: [`BUILT_IN`]), and [`run`],
//! which both `vds-harness features` and `cargo test --test features` call.
//! A provider author needs only the binary to run them, or to run a shrunk
//! feature (`vds-harness shrink`, `run --shrink`) again.
//!
//! * Every scenario runs on both engines (unless it names one); the provider
//!   is `reference`, the one [`world::PROVIDER`] or `VDS_PROVIDER` names,
//!   or the one a scenario names. Scenarios that inject a provider-side
//!   fault the provider cannot take (`ProviderFactory::cannot_take`) are
//!   left out, as the suite leaves the checks that need it untested.
//! * An undefined or skipped step fails the run; so does a selection that
//!   runs no scenario at all.

mod given;
mod then;
mod when;
pub mod world;

use std::ffi::OsString;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, cli, writer};
use futures::FutureExt as _;
use vds_sim::provider::ProviderFaultKind;

pub use world::VdsWorld;

/// The project's feature files, compiled into the binary: (file name, text).
pub const BUILT_IN: &[(&str, &str)] = &[
    (
        "async.feature",
        include_str!("../../../features/async.feature"),
    ),
    (
        "create_portal_group.feature",
        include_str!("../../../features/create_portal_group.feature"),
    ),
    (
        "iscsi_portal.feature",
        include_str!("../../../features/iscsi_portal.feature"),
    ),
    (
        "iscsi_portal_group.feature",
        include_str!("../../../features/iscsi_portal_group.feature"),
    ),
    (
        "iscsi_target.feature",
        include_str!("../../../features/iscsi_target.feature"),
    ),
    (
        "provider_under_test.feature",
        include_str!("../../../features/provider_under_test.feature"),
    ),
    (
        "subsystem_iscsi.feature",
        include_str!("../../../features/subsystem_iscsi.feature"),
    ),
];

/// Writes [`BUILT_IN`] into `dir` (created if missing), for cucumber to read.
pub fn write_built_in(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    for (name, text) in BUILT_IN {
        crate::report::write_atomic(&dir.join(name), text.as_bytes())?;
    }
    Ok(())
}

/// libtest-style filters: bare words, each selecting the scenarios whose
/// name or one of whose tags (feature, rule, scenario or example tags)
/// contains it, or equals it with `exact`. Empty: every scenario.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// The words.
    pub words: Vec<String>,
    /// Whether a word must equal a name or tag rather than be part of one.
    pub exact: bool,
}

impl Filter {
    fn keeps(
        &self,
        feature: &cucumber::gherkin::Feature,
        rule: Option<&cucumber::gherkin::Rule>,
        scenario: &cucumber::gherkin::Scenario,
    ) -> bool {
        if self.words.is_empty() {
            return true;
        }
        let hit = |text: &str, word: &str| {
            if self.exact {
                text == word
            } else {
                text.contains(word)
            }
        };
        let tags: Vec<&String> = feature
            .tags
            .iter()
            .chain(rule.iter().flat_map(|r| &r.tags))
            .chain(&scenario.tags)
            .collect();
        self.words.iter().any(|w| {
            let w = w.trim_start_matches('@');
            hit(&scenario.name, w) || tags.iter().any(|t| hit(t, w))
        })
    }
}

/// The provider-side fault a scenario injects (by the wording of the steps
/// in `given.rs` that inject one), if any.
fn needed_fault(scenario: &cucumber::gherkin::Scenario) -> Option<ProviderFaultKind> {
    const PHRASES: [(&str, ProviderFaultKind); 3] = [
        (
            "the provider's cache is corrupted",
            ProviderFaultKind::CorruptCache,
        ),
        (
            "the provider's next allocation fails",
            ProviderFaultKind::FailNextAllocation,
        ),
        ("the provider restarts", ProviderFaultKind::Restart),
    ];
    // An outline's rows may hold the step text (`And <fault>`).
    let cells = scenario
        .examples
        .iter()
        .filter_map(|e| e.table.as_ref())
        .flat_map(|t| t.rows.iter().flatten());
    let texts = scenario.steps.iter().map(|s| &s.value).chain(cells);
    texts
        .flat_map(|text| PHRASES.iter().filter(move |(p, _)| text.starts_with(p)))
        .map(|(_, f)| *f)
        .next()
}

/// The Basic parser, with each scenario's check IDs (its own and its
/// Examples' tags) appended to its name: `should X when Y [CPG-S_OK]`. The
/// console, the JUnit report and the tags then name the same checks.
struct CheckIdsInNames(cucumber::parser::Basic);

type ParsedFeature = cucumber::parser::Result<cucumber::gherkin::Feature>;

fn name_check_ids(feature: ParsedFeature) -> ParsedFeature {
    let mut feature = feature?;
    let rules = feature
        .rules
        .iter_mut()
        .flat_map(|r| r.scenarios.iter_mut());
    for scenario in feature.scenarios.iter_mut().chain(rules) {
        if !scenario.tags.is_empty() {
            scenario.name = format!("{} [{}]", scenario.name, scenario.tags.join(", "));
        }
    }
    Ok(feature)
}

impl<I: AsRef<Path>> cucumber::Parser<I> for CheckIdsInNames {
    type Cli = <cucumber::parser::Basic as cucumber::Parser<I>>::Cli;
    type Output = futures::stream::Map<
        <cucumber::parser::Basic as cucumber::Parser<I>>::Output,
        fn(ParsedFeature) -> ParsedFeature,
    >;

    fn parse(self, input: I, cli: Self::Cli) -> Self::Output {
        use futures::StreamExt as _;
        self.0
            .parse(input, cli)
            .map(name_check_ids as fn(ParsedFeature) -> ParsedFeature)
    }
}

/// A scenario with a step nobody defined, for the self-check.
const UNDEFINED_STEP_FEATURE: &str = "\
Feature: Self-check
  Scenario: should fail the run when a step is undefined
    Given a target \"t1\"
    When client \"c1\" does something no step definition knows
    Then the call returns S_OK
";

/// Self-check: a feature with an undefined step must fail the run, as
/// `fail_on_skipped` promises. Runs quietly in `dir` before the features.
pub fn undefined_steps_fail(dir: &Path) -> io::Result<bool> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("undefined-step.feature"), UNDEFINED_STEP_FEATURE)?;
    let writer = futures::executor::block_on(
        VdsWorld::cucumber()
            .with_writer(
                writer::Basic::raw(io::sink(), writer::Coloring::Never, 0)
                    .summarized()
                    .normalized(),
            )
            .fail_on_skipped()
            .with_default_cli()
            .run(dir.to_path_buf()),
    );
    Ok(writer.execution_has_failed())
}

/// One run of features.
pub struct Run {
    /// A feature file or a folder of them.
    pub features: PathBuf,
    /// cucumber's own arguments, program name first (`--name REGEX`,
    /// `--tags EXPR`, `--concurrency N`, ...).
    pub args: Vec<OsString>,
    /// Bare-word filters.
    pub filter: Filter,
    /// Where the JUnit report goes (`io::sink()` for none).
    pub junit: Box<dyn Write>,
}

/// How a run of features went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Outcome {
    /// Steps that passed.
    pub passed_steps: usize,
    /// Steps that were skipped (a scenario whose provider cannot take its
    /// fault is left out before it runs, not skipped).
    pub skipped_steps: usize,
    /// Steps that failed (an undefined step counts as failed).
    pub failed_steps: usize,
    /// Feature files that could not be parsed.
    pub parsing_errors: usize,
    /// Hooks that failed.
    pub hook_errors: usize,
}

impl Outcome {
    /// True when something failed, or nothing ran at all.
    pub fn failed(&self) -> bool {
        self.failed_steps + self.parsing_errors + self.hook_errors > 0 || self.ran_nothing()
    }

    /// True when the selection ran no scenario: never a pass.
    pub fn ran_nothing(&self) -> bool {
        self.passed_steps + self.skipped_steps + self.failed_steps == 0
    }
}

/// Runs the features of `r` against the provider [`world::default_provider_name`]
/// names, printing cucumber's report on standard output. `Err` when the
/// arguments are not cucumber's or the provider is unknown.
pub fn run(r: Run) -> Result<Outcome, String> {
    let provider = world::default_provider_name();
    let cannot_take = world::factory_for(&provider)?.cannot_take();
    if !cannot_take.is_empty() {
        println!(
            "provider `{provider}` cannot take the faults {cannot_take:?}: the scenarios that inject them are left out"
        );
    }
    let cli = <cli::Opts<_, _, _, cli::Empty> as cli::Parser>::try_parse_from(r.args)
        .map_err(|e| e.to_string())?;
    // Each run happens on threads of its own, so scenarios can overlap; the
    // normalised writer prints them in file order whatever the overlap.
    let concurrency = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let filter = r.filter;
    let writer = futures::executor::block_on(
        VdsWorld::cucumber::<PathBuf>()
            .with_parser(CheckIdsInNames(cucumber::parser::Basic::new()))
            .max_concurrent_scenarios(concurrency)
            .before(|_feature, _rule, scenario, world| {
                world.scenario = scenario.name.clone();
                async {}.boxed_local()
            })
            .with_writer(
                writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
                    .summarized()
                    .tee::<VdsWorld, _>(writer::JUnit::for_tee(r.junit, 0))
                    .normalized(),
            )
            .fail_on_skipped()
            .with_cli(cli)
            .filter_run(r.features, move |feature, rule, scenario| {
                filter.keeps(feature, rule, scenario)
                    && needed_fault(scenario).is_none_or(|f| !cannot_take.contains(&f))
            }),
    );
    Ok(Outcome {
        passed_steps: writer.passed_steps(),
        skipped_steps: writer.skipped_steps(),
        failed_steps: writer.failed_steps(),
        parsing_errors: writer.parsing_errors(),
        hook_errors: writer.hook_errors(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file of `features/` is compiled in, and nothing else.
    #[test]
    fn the_built_in_features_are_the_folder() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../features");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".feature"))
            .collect();
        on_disk.sort();
        let built_in: Vec<String> = BUILT_IN.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(built_in, on_disk);
    }
}
