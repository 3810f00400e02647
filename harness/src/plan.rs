//! The runs of a suite or a sweep, in order, made on demand from the
//! campaigns, seeds, engines and shard: a sweep of a million seeds keeps no
//! list of its runs, so its memory does not grow with them.

use vds_sim::runtime::EngineKind;

use crate::campaigns::Campaign;
use vds_sim::provider::ProviderFactory;
use vds_sim::world::RunOutcome;

use crate::providers::{provider_flag, shell_quote};

/// Every (campaign, engine, seed) of a suite, in order: campaign by
/// campaign, seed by seed, engine by engine; or every n-th of them (a shard).
///
/// ```
/// use vds_harness::plan::Plan;
/// use vds_sim::runtime::EngineKind;
/// let mixed = vds_harness::campaigns::by_name("mixed").unwrap();
/// let plan = Plan::new(vec![(mixed, 3)], 10, &EngineKind::ALL);
/// assert_eq!(plan.len(), 6);
/// let third = plan.get(2).unwrap();
/// assert_eq!((third.seed, third.engine), (11, EngineKind::Madsim));
/// assert_eq!(plan.shard(2, 4).iter().map(|r| r.seed).collect::<Vec<_>>(), [10, 12]);
/// ```
#[derive(Clone, Debug)]
pub struct Plan {
    /// Each campaign with its number of seeds.
    campaigns: Vec<(&'static Campaign, u64)>,
    start: u64,
    engines: Vec<EngineKind>,
    /// Runs before sharding.
    whole: u64,
    /// Take run `first + i * every` of the whole plan as run `i`.
    first: u64,
    every: u64,
}

impl Plan {
    /// Seeds `start..start + n` of each (campaign, n), on each of `engines`.
    pub fn new(
        campaigns: Vec<(&'static Campaign, u64)>,
        start: u64,
        engines: &[EngineKind],
    ) -> Self {
        let whole = campaigns
            .iter()
            .map(|(_, n)| n.saturating_mul(engines.len() as u64))
            .fold(0u64, u64::saturating_add);
        Self {
            campaigns,
            start,
            engines: engines.to_vec(),
            whole,
            first: 0,
            every: 1,
        }
    }

    /// Shard `k` of `n` (1-based): every run `i` with `i % n == k - 1`.
    pub fn shard(mut self, k: u64, n: u64) -> Self {
        let n = n.max(1);
        self.first += (k.clamp(1, n) - 1) * self.every;
        self.every *= n;
        self
    }

    /// The runs before sharding.
    pub fn whole(&self) -> usize {
        usize::try_from(self.whole).unwrap_or(usize::MAX)
    }

    /// How many runs.
    pub fn len(&self) -> usize {
        let n = if self.whole > self.first {
            (self.whole - self.first).div_ceil(self.every)
        } else {
            0
        };
        usize::try_from(n).unwrap_or(usize::MAX)
    }

    /// True if it has no run.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Where run `i` stands in the unsharded plan (0-based): the same run
    /// has the same position in every shard, so shards can be merged.
    pub fn position(&self, i: usize) -> u64 {
        self.first + i as u64 * self.every
    }

    /// Run `i`, if there is one.
    pub fn get(&self, i: usize) -> Option<RunId> {
        if i >= self.len() {
            return None;
        }
        let mut at = self.position(i);
        let e = self.engines.len() as u64;
        for &(campaign, seeds) in &self.campaigns {
            let here = seeds * e;
            if at < here {
                return Some(RunId {
                    campaign,
                    engine: self.engines[(at % e) as usize],
                    seed: self.start + at / e,
                });
            }
            at -= here;
        }
        None
    }

    /// The runs, in order.
    pub fn iter(&self) -> impl Iterator<Item = RunId> + '_ {
        (0..self.len()).filter_map(|i| self.get(i))
    }

    /// The engines of its runs, in order, each once.
    pub fn engines(&self) -> Vec<EngineKind> {
        let seen: std::collections::BTreeSet<EngineKind> = self.iter().map(|r| r.engine).collect();
        seen.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::CAMPAIGNS;

    /// The plan as a list, built the obvious way.
    fn listed(
        campaigns: &[(&'static Campaign, u64)],
        start: u64,
        engines: &[EngineKind],
    ) -> Vec<RunId> {
        let mut v = Vec::new();
        for &(campaign, n) in campaigns {
            for seed in start..start + n {
                for &engine in engines {
                    v.push(RunId {
                        campaign,
                        engine,
                        seed,
                    });
                }
            }
        }
        v
    }

    #[test]
    fn runs_and_shards_are_those_of_the_list() {
        let campaigns: Vec<_> = CAMPAIGNS.iter().take(3).zip([2u64, 0, 5]).collect();
        for engines in [&EngineKind::ALL[..], &[EngineKind::Turmoil]] {
            let list = listed(&campaigns, 7, engines);
            let plan = Plan::new(campaigns.clone(), 7, engines);
            assert_eq!(plan.iter().collect::<Vec<_>>(), list);
            assert_eq!(plan.get(list.len()), None);
            for n in 1..=5u64 {
                for k in 1..=n {
                    let want: Vec<RunId> = list
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| *i as u64 % n == k - 1)
                        .map(|(_, r)| *r)
                        .collect();
                    let shard = plan.clone().shard(k, n);
                    assert_eq!(shard.iter().collect::<Vec<_>>(), want, "{k}/{n}");
                    let mut engines: Vec<_> = want.iter().map(|r| r.engine).collect();
                    engines.sort();
                    engines.dedup();
                    assert_eq!(shard.engines(), engines);
                }
            }
        }
    }
}

/// One shard of a plan, `K/N` (`--shard`, and a JSON report's `plan.shard`):
/// the runs `i` of the unsharded plan with `i % N == K - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    /// Which shard, 1-based.
    pub k: usize,
    /// How many shards.
    pub n: usize,
}

impl Shard {
    /// Whether run `i` (0-based, in plan order) belongs to this shard.
    pub fn takes(&self, i: usize) -> bool {
        i % self.n == self.k - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("expected K/N with 1 <= K <= N, such as 1/4 (got `{s}`)");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let k: usize = k.trim().parse().map_err(|_| bad())?;
        let n: usize = n.trim().parse().map_err(|_| bad())?;
        if k == 0 || n == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }
}

/// One run of the suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RunId {
    /// The campaign.
    pub campaign: &'static Campaign,
    /// The engine.
    pub engine: EngineKind,
    /// The seed.
    pub seed: u64,
}

impl PartialEq for Campaign {
    fn eq(&self, other: &Self) -> bool {
        self.name == other.name
    }
}
impl Eq for Campaign {}

impl RunId {
    /// The world of this run.
    pub fn world(&self) -> vds_sim::world::WorldConfig {
        (self.campaign.build)(self.seed).engine(self.engine)
    }

    /// Runs it against a provider.
    pub fn run(&self, factory: &dyn ProviderFactory) -> RunOutcome {
        vds_sim::run(&self.world(), factory)
    }

    /// The command line that replays this run; for a provider the command
    /// does not know, the library call that does.
    pub fn replay_command(&self, provider: &str) -> String {
        if crate::providers::by_name(provider).is_err() {
            return format!(
                "RunId {{ campaign: vds_harness::campaigns::by_name(\"{}\").unwrap(), engine: EngineKind::{:?}, seed: {} }}.run(&your_factory)",
                self.campaign.name, self.engine, self.seed
            );
        }
        format!(
            "{} replay --campaign {} --engine {} --seed {}{}",
            shell_quote(crate::providers::program()),
            self.campaign.name,
            self.engine,
            self.seed,
            provider_flag(provider)
        )
    }

    /// `CAMPAIGN on ENGINE seed S (replay: COMMAND)`, for progress and
    /// panic reports.
    pub fn describe(&self, provider: &str) -> String {
        format!(
            "{} on {} seed {} (replay: {})",
            self.campaign.name,
            self.engine,
            self.seed,
            self.replay_command(provider)
        )
    }
}
