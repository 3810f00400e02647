//! Runs the Gherkin features in `features/` with cucumber.
//!
//! * Every scenario runs on both engines (unless it names one) and every
//!   assertion must hold on each; the provider under test is `reference`, or
//!   the one named by `VDS_PROVIDER` (e.g. `VDS_PROVIDER=mutant:NAME`), or the
//!   one a scenario names.
//!   Scenarios that inject a provider-side fault the provider cannot take
//!   (`ProviderFactory::cannot_take`; an `exec:` provider's handshake) are
//!   left out, as the suite leaves the checks that need it untested.
//! * An undefined or skipped step fails the run (`fail_on_skipped`).
//! * With `VDS_JUNIT_DIR` set, a JUnit report is also written to
//!   `$VDS_JUNIT_DIR/features.xml`; the console output stays as usual.
//! * Arguments: cucumber's own (`--name REGEX`, `--tags EXPR`, `-c N`,
//!   `--fail-fast`, `-v`…), after `--`. The arguments libtest takes, which
//!   `cargo test -- …` passes to every test target, are accepted too:
//!   `--nocapture`, `--quiet`, `--skip X`, `--format X`… are
//!   ignored, `--test-threads N` sets the concurrency, `--list` lists
//!   nothing, and a bare word keeps the scenarios whose name or one of whose
//!   tags contains it (as libtest filters test names; `--exact` makes it an
//!   exact match). `cargo test --workspace -- FILTER` thus runs the
//!   scenarios FILTER names here and the tests it names elsewhere.

#[path = "features/given.rs"]
mod given;
#[path = "features/then.rs"]
mod then;
#[path = "features/when.rs"]
mod when;
#[path = "features/world.rs"]
mod world;

use std::ffi::OsString;

use std::io::{self, Write};
use vds_sim::provider::ProviderFaultKind;

use cucumber::writer::Stats as _;
use cucumber::{World as _, WriterExt as _, cli, writer};
use futures::FutureExt as _;

use world::VdsWorld;

/// libtest flags without a value; meaningless here.
const LIBTEST_FLAGS: &[&str] = &[
    "--nocapture",
    "--no-capture",
    "--show-output",
    "--quiet",
    "-q",
    "--ignored",
    "--include-ignored",
    "--test",
    "--bench",
    "--force-run-in-process",
    "--report-time",
    "--ensure-time",
    "--shuffle",
];

/// libtest options with a value; meaningless here.
const LIBTEST_OPTIONS: &[&str] = &["--format", "--skip", "--logfile", "--shuffle-seed", "-Z"];

/// cucumber options with a value: the word after them is not a filter.
const CUCUMBER_OPTIONS: &[&str] = &[
    "--name",
    "-n",
    "--scenario-name",
    "--tags",
    "-t",
    "--input",
    "-i",
    "--concurrency",
    "-c",
    "--retry",
    "--retry-after",
    "--retry-tag-filter",
    "--color",
    "--junit-v",
];

/// What the command line asks for once libtest's arguments are translated.
#[derive(Debug, PartialEq, Eq)]
enum Args {
    /// `--list`: there is nothing to list; exit at once.
    List,
    /// Run cucumber with these arguments (program name first), keeping the
    /// scenarios the bare words select, on the features in the path given
    /// (`--input` naming a file or folder), else in `features/`.
    Run(Vec<OsString>, Filter, Option<std::path::PathBuf>),
}

/// libtest-style filters: bare words, each selecting the scenarios whose
/// name or one of whose tags (feature, rule, scenario or example tags)
/// contains it, or equals it with `--exact`. Ignored when `--name` or
/// `--tags` is given, as cucumber then filters by those alone.
#[derive(Debug, Default, PartialEq, Eq)]
struct Filter {
    words: Vec<String>,
    exact: bool,
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
/// in `features/given.rs` that inject one), if any: a scenario needing a
/// fault the provider declared it cannot take
/// (`ProviderFactory::cannot_take`, or an `exec:` provider's handshake) is
/// skipped, as the suite leaves such checks untested.
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

/// Translates libtest's arguments into cucumber's.
fn translate(args: impl IntoIterator<Item = OsString>) -> Args {
    let mut out: Vec<OsString> = vec!["features".into()];
    let mut filter = Filter::default();
    let mut input = None;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let Some(s) = arg.to_str().map(str::to_string) else {
            out.push(arg);
            continue;
        };
        let (name, inline_value) = match s.split_once('=') {
            Some((n, v)) if n.starts_with('-') => (n.to_string(), Some(v.to_string())),
            _ => (s.clone(), None),
        };
        if s == "--list" {
            return Args::List;
        }
        if s == "--exact" {
            filter.exact = true;
            continue;
        }
        if LIBTEST_FLAGS.contains(&s.as_str()) {
            continue;
        }
        if LIBTEST_OPTIONS.contains(&name.as_str()) || (s.starts_with("-Z") && s.len() > 2) {
            if inline_value.is_none() && !(s.starts_with("-Z") && s.len() > 2) {
                args.next();
            }
            continue;
        }
        if name == "--test-threads" {
            let value = inline_value.or_else(|| args.next().and_then(|v| v.into_string().ok()));
            if let Some(n) = value {
                out.push("--concurrency".into());
                out.push(n.into());
            }
            continue;
        }
        if name == "--input" || name == "-i" {
            // A file or folder is read from here: cucumber's own --input is
            // a glob, which finds nothing at an absolute path.
            let value = inline_value
                .clone()
                .map(OsString::from)
                .or_else(|| args.next());
            match value {
                Some(v) if std::path::Path::new(&v).exists() => input = Some(v.into()),
                Some(v) => {
                    out.push("--input".into());
                    out.push(v);
                }
                None => out.push(arg),
            }
            continue;
        }
        if CUCUMBER_OPTIONS.contains(&name.as_str()) {
            out.push(arg);
            if inline_value.is_none()
                && let Some(v) = args.next()
            {
                out.push(v);
            }
            continue;
        }
        if s.starts_with('-') {
            out.push(arg);
            continue;
        }
        filter.words.push(s);
    }
    Args::Run(out, filter, input)
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

impl<I: AsRef<std::path::Path>> cucumber::Parser<I> for CheckIdsInNames {
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

/// Where the JUnit report goes: `$VDS_JUNIT_DIR/features.xml`, or nowhere.
fn junit_output() -> io::Result<Box<dyn Write>> {
    match std::env::var_os("VDS_JUNIT_DIR").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let dir = std::path::PathBuf::from(dir);
            std::fs::create_dir_all(&dir)?;
            let file = std::fs::File::create(dir.join("features.xml"))?;
            Ok(Box::new(io::BufWriter::new(file)))
        }
        None => Ok(Box::new(io::sink())),
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
/// `fail_on_skipped` promises. Runs quietly before the real features.
async fn undefined_steps_fail() -> io::Result<bool> {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("features-self-check");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("undefined-step.feature"), UNDEFINED_STEP_FEATURE)?;
    let writer = VdsWorld::cucumber()
        .with_writer(
            writer::Basic::raw(io::sink(), writer::Coloring::Never, 0)
                .summarized()
                .normalized(),
        )
        .fail_on_skipped()
        .with_default_cli()
        .run(dir)
        .await;
    Ok(writer.execution_has_failed())
}

fn main() {
    match futures::executor::block_on(undefined_steps_fail()) {
        Ok(true) => {}
        Ok(false) => {
            eprintln!("self-check failed: a scenario with an undefined step passed");
            std::process::exit(1);
        }
        Err(e) => {
            eprintln!("self-check could not write its feature file: {e}");
            std::process::exit(1);
        }
    }
    let (args, filter, input) = match translate(std::env::args_os().skip(1)) {
        Args::List => return,
        Args::Run(args, filter, input) => (args, filter, input),
    };
    if let Some(i) = &input {
        let _ = world::INPUT.set(std::path::PathBuf::from(i));
    }
    let provider = world::default_provider_name();
    let cannot_take = match world::factory_for(&provider) {
        Ok(f) => f.cannot_take(),
        Err(e) => {
            eprintln!("VDS_PROVIDER: {e}");
            std::process::exit(2);
        }
    };
    if !cannot_take.is_empty() {
        println!(
            "provider `{provider}` cannot take the faults {cannot_take:?}: the scenarios that inject them are skipped"
        );
    }
    let junit = junit_output().unwrap_or_else(|e| {
        eprintln!("VDS_JUNIT_DIR: cannot write features.xml: {e}");
        std::process::exit(2);
    });
    let cli = <cli::Opts<_, _, _, cli::Empty> as cli::Parser>::parse_from(args);
    // Each run happens on threads of its own, so scenarios can overlap; the
    // normalised writer prints them in file order whatever the overlap.
    let concurrency = std::thread::available_parallelism().map_or(2, |n| n.get() * 2);
    let features = input.unwrap_or_else(|| concat!(env!("CARGO_MANIFEST_DIR"), "/features").into());
    let writer = futures::executor::block_on(
        VdsWorld::cucumber::<std::path::PathBuf>()
            .with_parser(CheckIdsInNames(cucumber::parser::Basic::new()))
            .max_concurrent_scenarios(concurrency)
            .before(|_feature, _rule, scenario, world| {
                world.scenario = scenario.name.clone();
                async {}.boxed_local()
            })
            .with_writer(
                writer::Basic::raw(io::stdout(), writer::Coloring::Auto, 0)
                    .summarized()
                    .tee::<VdsWorld, _>(writer::JUnit::for_tee(junit, 0))
                    .normalized(),
            )
            .fail_on_skipped()
            .with_cli(cli)
            .filter_run(features, move |feature, rule, scenario| {
                filter.keeps(feature, rule, scenario)
                    && needed_fault(scenario).is_none_or(|f| !cannot_take.contains(&f))
            }),
    );
    if writer.execution_has_failed() {
        eprintln!(
            "features failed: {} failed steps, {} parsing errors, {} hook errors \
             (an undefined step counts as failed)",
            writer.failed_steps(),
            writer.parsing_errors(),
            writer.hook_errors()
        );
        std::process::exit(1);
    }
    // A filter or an input that selects nothing tested nothing: never green.
    if writer.passed_steps() + writer.skipped_steps() == 0 {
        eprintln!(
            "features: no scenario ran; expected --name, --tags or --input to select at least one"
        );
        std::process::exit(2);
    }
}
