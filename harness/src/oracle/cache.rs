//! The cache checks: CACHE-CORRUPT-REPORTED, CACHE-RECOVERY-SEQUENCE,
//! CACHE-RECOVERED-AFTER-REFRESH.
//!
//! An *episode* starts when a cache-corruption fault takes effect and ends
//! when a Refresh succeeds after a successful Reenumerate that returned
//! after the fault. Calls that were already under way when the fault fired
//! may go either way and are not held against the provider. *Gated* calls are calls on provider objects other than
//! Reenumerate, Refresh and the IVdsAsync methods (whose operations were
//! already under way).

use vds_sim::hresult::HResult;
use vds_sim::method::Method;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const CORRUPT: HResult = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;

fn gated(s: &StepRecord) -> bool {
    s.method.interface() != "IVdsAsync"
        && s.method != Method::HwProviderReenumerate
        && s.method != Method::HwProviderRefresh
}

pub(super) fn check(h: &History, j: &mut Judgement) {
    let corruptions: Vec<usize> = h
        .faults
        .iter()
        .filter(|f| f.kind == "cache_corruption" && f.detail == "provider cache corrupted")
        .map(|f| f.seq)
        .collect();
    let ok = |m: Method, s: &&&StepRecord| s.method == m && s.hr.succeeded();
    // Each episode: (start, definitive recovery = return of the recovering Refresh, next corruption).
    let mut episodes = Vec::new();
    for (i, &start) in corruptions.iter().enumerate() {
        let next = corruptions.get(i + 1).copied().unwrap_or(usize::MAX);
        // A Refresh already under way when the damage happened may or may not
        // have repaired it: from its return on, the state is not judged
        // until a definitive recovery.
        // So may a restart, which loses the cache.
        let restart = h
            .faults
            .iter()
            .filter(|f| {
                f.kind == "provider_restart"
                    && f.detail.starts_with("provider restarted")
                    && f.seq > start
            })
            .map(|f| f.seq)
            .min()
            .unwrap_or(usize::MAX);
        let ambiguous_from = h
            .calls
            .iter()
            .filter(|s| {
                ok(Method::HwProviderRefresh, s) && s.seq_call < start && s.seq_return > start
            })
            .map(|s| s.seq_return)
            .min()
            .unwrap_or(usize::MAX)
            .min(restart);
        // Reenumerate counts once it returns after the damage.
        let reenum = h
            .calls
            .iter()
            .filter(|s| {
                ok(Method::HwProviderReenumerate, s) && s.seq_return > start && s.seq_call < next
            })
            .min_by_key(|s| s.seq_return);
        let refresh = reenum.and_then(|r| {
            h.calls
                .iter()
                .filter(|s| {
                    ok(Method::HwProviderRefresh, s)
                        && s.seq_call > r.seq_return
                        && s.seq_call < next
                })
                .min_by_key(|s| s.seq_call)
        });
        let reenum_done = reenum.map_or(next, |r| r.seq_return).min(ambiguous_from);
        for s in h.calls.iter().filter(|s| {
            s.method == Method::HwProviderRefresh && s.seq_call > start && s.seq_call < reenum_done
        }) {
            j.hit("CACHE-RECOVERY-SEQUENCE");
            if s.hr.succeeded() {
                j.fail(
                    "CACHE-RECOVERY-SEQUENCE",
                    s,
                    "Refresh succeeded on a corrupt cache before any Reenumerate",
                );
            }
        }
        let first_attempt = h
            .calls
            .iter()
            .filter(|s| {
                (s.method == Method::HwProviderReenumerate || s.method == Method::HwProviderRefresh)
                    && s.seq_call > start
            })
            .map(|s| s.seq_call)
            .min()
            .unwrap_or(usize::MAX)
            .min(ambiguous_from);
        let judged_until = refresh
            .map_or(next, |r| r.seq_call)
            .min(ambiguous_from)
            .min(next);
        for s in h
            .calls
            .iter()
            .filter(|s| gated(s) && s.seq_call > start && s.seq_call < judged_until)
        {
            if s.seq_call < first_attempt {
                j.hit("CACHE-CORRUPT-REPORTED");
                if s.hr != CORRUPT && s.hr != BUSY {
                    j.fail(
                        "CACHE-CORRUPT-REPORTED",
                        s,
                        format!("{} returned {} on a corrupt cache", s.method, s.hr),
                    );
                }
            } else {
                j.hit("CACHE-RECOVERY-SEQUENCE");
                if s.hr.succeeded() {
                    j.fail(
                        "CACHE-RECOVERY-SEQUENCE",
                        s,
                        format!(
                            "{} succeeded before Reenumerate then Refresh had restored the cache",
                            s.method
                        ),
                    );
                }
            }
        }
        episodes.push((start, refresh.map_or(usize::MAX, |r| r.seq_return), next));
    }
    // After a definitive recovery (or with no corruption at all), nothing is corrupt.
    for s in h.calls.iter().filter(|s| gated(s)) {
        let in_episode = episodes.iter().any(|(start, recovered, next)| {
            s.seq_call > *start && s.seq_call < (*recovered).min(*next)
        });
        let after_recovery = episodes
            .iter()
            .any(|(_, recovered, next)| s.seq_call > *recovered && s.seq_call < *next);
        if after_recovery || (!in_episode && s.hr == CORRUPT) {
            j.hit("CACHE-RECOVERED-AFTER-REFRESH");
            if s.hr == CORRUPT && !in_episode {
                j.fail(
                    "CACHE-RECOVERED-AFTER-REFRESH",
                    s,
                    format!(
                        "{} returned {CORRUPT} although the cache was restored (or never damaged)",
                        s.method
                    ),
                );
            }
        }
    }
}
