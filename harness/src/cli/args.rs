//! Argument types and parsers shared by the subcommands. Each parser's error
//! says what was expected; clap prints it on one line and exits 2.

use std::sync::Arc;

use vds_sim::provider::{ProviderFactory, ReferenceFactory};
use vds_sim::runtime::EngineKind;

use crate::campaigns::{self, CAMPAIGNS, Campaign};
use crate::suite::SuiteConfig;

/// `--engine`: one engine, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum EngineChoice {
    /// madsim only.
    Madsim,
    /// turmoil only.
    Turmoil,
    /// Both engines, madsim first.
    Both,
}

impl EngineChoice {
    /// Its name on the command line.
    pub fn name(self) -> &'static str {
        match self {
            EngineChoice::Madsim => "madsim",
            EngineChoice::Turmoil => "turmoil",
            EngineChoice::Both => "both",
        }
    }

    /// The engines chosen.
    pub fn kinds(self) -> Vec<EngineKind> {
        match self {
            EngineChoice::Madsim => vec![EngineKind::Madsim],
            EngineChoice::Turmoil => vec![EngineKind::Turmoil],
            EngineChoice::Both => EngineKind::ALL.to_vec(),
        }
    }
}

pub use crate::plan::Shard;

/// Parses `--shard`.
pub fn parse_shard(s: &str) -> Result<Shard, String> {
    shard_from(s, &|name| std::env::var(name).ok())
}

/// `K/N`; or `auto`, the shard a CI system gives this job: GitLab CI's
/// `CI_NODE_INDEX` (1-based) and `CI_NODE_TOTAL` (`parallel: N`); or
/// `auto/N`, shard `JOB_COMPLETION_INDEX + 1` of N (a Kubernetes Indexed
/// Job, whose total the job spec holds, not its environment). `env` reads
/// a variable.
///
/// ```
/// use vds_harness::cli::parsers::shard_from;
/// let gitlab = |v: &str| match v {
///     "CI_NODE_INDEX" => Some("2".to_string()),
///     "CI_NODE_TOTAL" => Some("5".to_string()),
///     _ => None,
/// };
/// assert_eq!(shard_from("auto", &gitlab).unwrap().to_string(), "2/5");
/// let k8s = |v: &str| (v == "JOB_COMPLETION_INDEX").then(|| "0".to_string());
/// assert_eq!(shard_from("auto/3", &k8s).unwrap().to_string(), "1/3");
/// assert!(shard_from("auto", &|_| None).is_err());
/// ```
pub fn shard_from(s: &str, env: &dyn Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let number = |name: &str| -> Result<Option<usize>, String> {
        match env(name) {
            None => Ok(None),
            Some(v) => v.trim().parse::<usize>().map(Some).map_err(|_| {
                format!("{name} is `{v}`, not a whole number; expected the CI system's shard index")
            }),
        }
    };
    let shard = |k: usize, n: usize, from: &str| {
        format!("{k}/{n}")
            .parse::<Shard>()
            .map_err(|e| format!("{from} gives shard {k} of {n}: {e}"))
    };
    match s.trim() {
        "auto" => match (number("CI_NODE_INDEX")?, number("CI_NODE_TOTAL")?) {
            (Some(k), Some(n)) => shard(k, n, "CI_NODE_INDEX and CI_NODE_TOTAL"),
            (Some(_), None) | (None, Some(_)) => Err(
                "only one of CI_NODE_INDEX and CI_NODE_TOTAL is set; expected both (GitLab CI `parallel:`)"
                    .into(),
            ),
            (None, None) => Err(
                "--shard auto found no CI shard: expected CI_NODE_INDEX and CI_NODE_TOTAL (GitLab CI), or --shard auto/N with JOB_COMPLETION_INDEX (a Kubernetes Indexed Job); on GitHub Actions pass --shard ${{ matrix.k }}/${{ matrix.n }}"
                    .into(),
            ),
        },
        t if t.starts_with("auto/") => {
            let n: usize = t["auto/".len()..]
                .parse()
                .map_err(|_| format!("`{t}`: expected auto/N with N the number of shards"))?;
            match number("JOB_COMPLETION_INDEX")? {
                Some(i) => shard(i + 1, n, "JOB_COMPLETION_INDEX"),
                None => Err(format!(
                    "--shard {t} needs JOB_COMPLETION_INDEX (a Kubernetes Indexed Job's index, 0-based); it is not set"
                )),
            }
        }
        t => t.parse(),
    }
}

/// Parses a seed: a whole number 0..=2^64-1, decimal or `0x` hex.
pub fn parse_seed(s: &str) -> Result<u64, String> {
    let expected = format!("expected a whole number from 0 to {}", u64::MAX);
    let t = s.trim();
    if t.starts_with('-') {
        return Err(format!("a seed cannot be negative; {expected}"));
    }
    let parsed = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse::<u64>(),
    };
    parsed.map_err(|_| expected)
}

/// Parses a count of seeds (a whole number, 0 allowed).
pub fn parse_count(s: &str) -> Result<u64, String> {
    t_count(s.trim())
}

fn t_count(t: &str) -> Result<u64, String> {
    if t.starts_with('-') {
        return Err(format!(
            "a seed count must be a non-negative whole number (got `{t}`); expected 0 to {}",
            u64::MAX
        ));
    }
    t.parse::<u64>()
        .map_err(|_| format!("expected a whole number such as 10 (got `{t}`)"))
}

/// Parses a count that must be at least 1.
pub fn parse_positive(s: &str) -> Result<u64, String> {
    match parse_count(s)? {
        0 => Err("expected a whole number of at least 1".into()),
        n => Ok(n),
    }
}

/// The most runs `--jobs` may make at once: each is a thread with a world of
/// its own, and more than this buys nothing on any machine this runs on.
pub const MAX_JOBS: u64 = 256;

/// Parses `--jobs`: 1 to [`MAX_JOBS`].
pub fn parse_jobs(s: &str) -> Result<u64, String> {
    match parse_positive(s)? {
        n if n > MAX_JOBS => Err(format!(
            "expected at most {MAX_JOBS} runs at once (got {n})"
        )),
        n => Ok(n),
    }
}

/// Parses a size in bytes (at least 1).
pub fn parse_bytes(s: &str) -> Result<u64, String> {
    match s.trim().parse::<u64>() {
        Ok(n) if n >= 1 => Ok(n),
        _ => Err(format!(
            "expected a whole number of bytes from 1 to {} (got `{s}`)",
            u64::MAX
        )),
    }
}

/// Parses the most steps of one client (`--max-steps`): 1 to 100,000,000.
pub fn parse_max_steps(s: &str) -> Result<usize, String> {
    const MOST: usize = 100_000_000;
    match s.trim().parse::<usize>() {
        Ok(n) if (1..=MOST).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number of steps from 1 to {MOST} (got `{s}`)"
        )),
    }
}

/// Checks a provider name (`reference`, `mutant:NAME` or `exec:COMMAND`).
pub fn parse_provider(s: &str) -> Result<String, String> {
    crate::providers::by_name(s)
        .map(|_| s.to_string())
        .map_err(|e| e.to_string())
}

/// Checks a campaign name.
pub fn parse_campaign(s: &str) -> Result<&'static Campaign, String> {
    campaigns::by_name(s).ok_or_else(|| {
        let names: Vec<_> = CAMPAIGNS.iter().map(|c| c.name).collect();
        format!(
            "unknown campaign `{s}`: expected one of {}",
            names.join(", ")
        )
    })
}

/// A `--campaign` help text: `first`, then every campaign of the
/// catalogue with what it exercises.
pub fn campaign_help(first: &str) -> String {
    let width = CAMPAIGNS.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut s = format!("{first}\n\nCampaigns:");
    for c in CAMPAIGNS {
        s.push_str(&format!("\n  {:<width$}  {}", c.name, c.about));
    }
    s
}

/// Parses a single engine (`madsim` or `turmoil`).
pub fn parse_engine(s: &str) -> Result<EngineKind, String> {
    s.parse()
}

/// The factory for a provider name already checked by [`parse_provider`].
pub fn factory(name: &str) -> Result<Arc<dyn ProviderFactory>, super::CliError> {
    crate::providers::by_name(name).map_err(|e| super::CliError::Usage(e.to_string()))
}

/// The factory for a provider name, with `--stuck-after` as the turn limit
/// of an `exec:` provider (how long one turn may take in wall time before
/// the process is judged to hang).
pub fn factory_limited(
    name: &str,
    stuck_after_secs: u64,
) -> Result<Arc<dyn ProviderFactory>, super::CliError> {
    match name.strip_prefix(crate::exec::EXEC_PREFIX) {
        Some(command) if !command.trim().is_empty() => {
            let f = crate::exec::ExecFactory::new(command)
                .turn_limit(std::time::Duration::from_secs(stuck_after_secs));
            // A command that cannot even greet the harness would fail every
            // run the same way: say why once, before any run (exit 2).
            f.preflight().map_err(|why| {
                super::CliError::Usage(format!(
                    "the provider command `{command}` did not complete its handshake: {why}; expected a process that answers `hello` (docs/provider-protocol.md)"
                ))
            })?;
            Ok(Arc::new(f))
        }
        _ => factory(name),
    }
}

/// The suite's defaults, read from [`SuiteConfig::new`] so help texts never drift.
pub fn defaults() -> SuiteConfig {
    SuiteConfig::new(Arc::new(ReferenceFactory::default()))
}

/// Default `--seeds`.
pub fn default_seeds() -> u64 {
    defaults().seeds
}

/// Default `--mixed-seeds`.
pub fn default_mixed_seeds() -> u64 {
    defaults().mixed_seeds
}

/// Default `--start`.
pub fn default_start() -> u64 {
    defaults().start
}

/// Refuses `start + n` that would pass the last seed.
pub fn check_seed_range(start: u64, n: u64) -> Result<(), super::CliError> {
    start.checked_add(n).map(|_| ()).ok_or_else(|| {
        super::CliError::Usage(format!(
            "--start {start} plus {n} seeds passes the last seed; expected start + seeds <= {}",
            u64::MAX
        ))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards() {
        assert_eq!(parse_shard("1/2"), Ok(Shard { k: 1, n: 2 }));
        assert!(parse_shard("0/2").is_err());
        assert!(parse_shard("3/2").is_err());
        assert!(parse_shard("1/0").is_err());
        assert!(parse_shard("x").is_err());
        let s = Shard { k: 2, n: 3 };
        assert_eq!(
            (0..7).filter(|i| s.takes(*i)).collect::<Vec<_>>(),
            vec![1, 4]
        );
    }

    #[test]
    fn seeds() {
        assert_eq!(parse_seed("7"), Ok(7));
        assert_eq!(parse_seed("0x10"), Ok(16));
        assert!(parse_seed("-1").unwrap_err().contains("negative"));
        assert!(
            parse_seed("abc")
                .unwrap_err()
                .contains("expected a whole number")
        );
    }
}

/// One run: a seed of a campaign (or of a scenario file) on an engine,
/// against a provider (`replay`, `shrink`).
#[derive(Debug, clap::Args)]
pub struct OneRun {
    /// The seed (a whole number, 0 to 2^64-1).
    #[arg(long, value_name = "S", value_parser = parse_seed, allow_hyphen_values = true)]
    pub seed: u64,
    /// The engine: `madsim` or `turmoil`.
    #[arg(long, value_name = "E", default_value = "madsim", value_parser = parse_engine)]
    pub engine: EngineKind,
    /// The campaign.
    #[arg(long, value_name = "NAME", default_value = "mixed", value_parser = parse_campaign)]
    pub campaign: &'static Campaign,
    /// A run of this YAML scenario file instead of a campaign's.
    #[arg(long, value_name = "FILE", conflicts_with = "campaign")]
    pub scenario: Option<std::path::PathBuf>,
    /// The provider: `reference`, `mutant:NAME`, or `exec:COMMAND` (a provider process).
    #[arg(long, value_name = "P", default_value = "reference", value_parser = parse_provider)]
    pub provider: String,
}
