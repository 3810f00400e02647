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
use vds_sim::profile::RuleId;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const CORRUPT: HResult = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;

fn gated(s: &StepRecord) -> bool {
    s.method.interface() != "IVdsAsync"
        && s.method != Method::HwProviderReenumerate
        && s.method != Method::HwProviderRefresh
}

/// One corruption episode, as trace sequence numbers. Following CALL-WINDOW,
/// a Reenumerate or Refresh takes effect at some instant of its call, so the
/// episode has two ends: the first Refresh that *may* have followed a
/// Reenumerate begun after the damage (until it is called, nothing has
/// restored the cache), and the first that *must* have (once it returns,
/// the cache is restored).
struct Episode {
    /// When the corruption took effect.
    start: usize,
    /// When the next corruption took effect (`usize::MAX` if none).
    next: usize,
    /// The call of the first Reenumerate or Refresh made after the damage
    /// (or where judging stops).
    first_attempt: usize,
    /// A call that returned before this had not met a restored cache: the
    /// call of the first Refresh that may have restored it, a Refresh under
    /// way at the damage returning, or a restart (`usize::MAX` if none).
    judged_until: usize,
    /// The return of the first Refresh that certainly restored the cache
    /// (`usize::MAX` if none).
    recovered: usize,
    /// Where judging Refresh calls against the episode stops: the next
    /// damage, a Refresh under way at this one returning, or a restart.
    refreshes_until: usize,
}

/// Whether `s` is a Reenumerate that ran to its end: it succeeded, or
/// answered VDS_E_PROVIDER_CACHE_CORRUPT (its page lists the code, and
/// CACHE-RECOVERY-SEQUENCE counts either answer as the first step of the
/// recovery).
fn reenumerate_ran(s: &StepRecord) -> bool {
    s.method == Method::HwProviderReenumerate && (s.hr.succeeded() || s.hr == CORRUPT)
}

/// The corruption episodes of a run.
fn episodes(h: &History) -> Vec<Episode> {
    let corruptions: Vec<usize> = h
        .faults
        .iter()
        .filter(|f| {
            f.kind == vds_sim::faults::FaultKind::CacheCorruption
                && f.detail == "provider cache corrupted"
        })
        .map(|f| f.seq)
        .collect();
    let ok = |m: Method, s: &&&StepRecord| s.method == m && s.hr.succeeded();
    let mut episodes = Vec::new();
    for (i, &start) in corruptions.iter().enumerate() {
        let next = corruptions.get(i + 1).copied().unwrap_or(usize::MAX);
        // A Refresh already under way when the damage happened may or may not
        // have repaired it: from its return on, the state is not judged
        // until a definitive recovery.
        // So may a restart, which loses the cache.
        let restart = h
            .restarts()
            .map(|f| f.seq)
            .filter(|seq| *seq > start)
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
        let reenums: Vec<&StepRecord> = h
            .calls
            .iter()
            .filter(|s| reenumerate_ran(s) && s.seq_return > start)
            .copied()
            .collect();
        let refreshes = || {
            h.calls
                .iter()
                .filter(|s| ok(Method::HwProviderRefresh, s) && s.seq_call > start)
        };
        // May have followed a Reenumerate that may have followed the damage.
        let may = refreshes()
            .filter(|f| reenums.iter().any(|r| r.seq_call < f.seq_return))
            .map(|f| f.seq_call)
            .min()
            .unwrap_or(usize::MAX);
        // Certainly followed a Reenumerate begun after the damage.
        let must = refreshes()
            .filter(|f| {
                f.seq_call < next
                    && reenums
                        .iter()
                        .any(|r| r.seq_call > start && r.seq_return < f.seq_call)
            })
            .map(|f| f.seq_return)
            .min()
            .unwrap_or(usize::MAX);
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
        episodes.push(Episode {
            start,
            next,
            first_attempt,
            judged_until: may.min(ambiguous_from),
            recovered: must,
            refreshes_until: next.min(ambiguous_from),
        });
    }
    episodes
}

/// Gated calls (set-up calls included: a client discovering objects asks
/// the same cache) made after the damage of an episode, in a new episode
/// of no other, that returned before anything may have restored the cache.
fn judged<'h>(h: &'h History, e: &Episode) -> impl Iterator<Item = &'h StepRecord> {
    let (start, next, until) = (e.start, e.next, e.judged_until);
    h.out.steps.iter().filter(move |s| {
        gated(s) && s.seq_call > start && s.seq_call < next && s.seq_return < until
    })
}

/// CACHE-CORRUPT-REPORTED: until recovery starts, gated calls answer
/// VDS_E_PROVIDER_CACHE_CORRUPT (or busy; or E_POINTER for a NULL pointer).
pub(super) fn cache_corrupt_reported(h: &History, j: &mut Judgement) {
    for e in episodes(h) {
        for s in judged(h, &e).filter(|s| s.seq_call < e.first_attempt) {
            j.hit_at(RuleId::CacheCorruptReported, s);
            // A NULL pointer is refused before the cache is looked at
            // (ARG-NULL-POINTER); an allocation failure, a restart or a link
            // fault may also come first (FAILURE-PRECEDENCE).
            if s.hr != CORRUPT && s.hr != BUSY && !h.excused(s) {
                j.fail(
                    RuleId::CacheCorruptReported,
                    s,
                    format!("{} returned {} on a corrupt cache", s.method, s.hr),
                );
            }
        }
    }
}

/// CACHE-RECOVERY-SEQUENCE: only Reenumerate, then Refresh, restores the cache.
pub(super) fn cache_recovery_sequence(h: &History, j: &mut Judgement) {
    let rule = RuleId::CacheRecoverySequence;
    for e in episodes(h) {
        for s in h.calls.iter().filter(|s| {
            s.method == Method::HwProviderRefresh
                && s.seq_call > e.start
                && s.seq_call < e.refreshes_until
        }) {
            // A Reenumerate that may have taken effect after the damage and
            // before this Refresh (CALL-WINDOW).
            let reenumerated = h
                .calls
                .iter()
                .any(|r| reenumerate_ran(r) && r.seq_return > e.start && r.seq_call < s.seq_return);
            if reenumerated {
                // Reenumerate ran to its end after the damage (succeeding,
                // or answering VDS_E_PROVIDER_CACHE_CORRUPT, which its page
                // lists) before this Refresh was called: Refresh restores.
                let ran = h.calls.iter().any(|r| {
                    reenumerate_ran(r) && r.seq_call > e.start && r.seq_return < s.seq_call
                });
                if ran && s.seq_return < e.next {
                    j.hit_at(rule, s);
                    if s.hr == CORRUPT {
                        j.fail(
                            rule,
                            s,
                            "Refresh answered VDS_E_PROVIDER_CACHE_CORRUPT although Reenumerate had run after the damage: Reenumerate then Refresh restores the cache",
                        );
                    }
                }
                continue;
            }
            j.hit_at(rule, s);
            if s.hr.succeeded() {
                j.fail(
                    rule,
                    s,
                    "Refresh succeeded on a corrupt cache before any Reenumerate",
                );
            }
        }
        for s in judged(h, &e).filter(|s| s.seq_call >= e.first_attempt) {
            j.hit_at(rule, s);
            if s.hr.succeeded() {
                j.fail(
                    rule,
                    s,
                    format!(
                        "{} succeeded before Reenumerate then Refresh had restored the cache",
                        s.method
                    ),
                );
            }
        }
    }
}

/// CACHE-RECOVERED-AFTER-REFRESH: after recovery (or with no corruption at
/// all), nothing answers VDS_E_PROVIDER_CACHE_CORRUPT.
pub(super) fn cache_recovered_after_refresh(h: &History, j: &mut Judgement) {
    let episodes = episodes(h);
    for s in h.calls.iter().filter(|s| gated(s)) {
        // Damaged at some instant of the call, and not certainly restored
        // before it (CALL-WINDOW).
        let in_episode = episodes
            .iter()
            .any(|e| s.seq_return > e.start && s.seq_call < e.recovered);
        let after_recovery = episodes
            .iter()
            .any(|e| s.seq_call > e.recovered && s.seq_call < e.next);
        if after_recovery || (!in_episode && s.hr == CORRUPT) {
            j.hit_at(RuleId::CacheRecoveredAfterRefresh, s);
            if s.hr == CORRUPT && !in_episode {
                j.fail(
                    RuleId::CacheRecoveredAfterRefresh,
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
