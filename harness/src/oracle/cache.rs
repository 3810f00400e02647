//! The cache checks: CACHE-CORRUPT-REPORTED, CACHE-RECOVERY-SEQUENCE,
//! CACHE-RECOVERED-AFTER-REFRESH.
//!
//! An *episode* starts when a cache-corruption fault takes effect and ends
//! when a Refresh succeeds after a successful Reenumerate that followed the
//! fault. *Gated* calls are calls on provider objects other than
//! Reenumerate, Refresh and the IVdsAsync methods (whose operations were
//! already under way).

use vds_sim::hresult::HResult;
use vds_sim::world::StepRecord;

use super::{History, Judgement};

const CORRUPT: HResult = HResult::VDS_E_PROVIDER_CACHE_CORRUPT;
const BUSY: HResult = HResult::VDS_E_ANOTHER_CALL_IN_PROGRESS;

fn gated(s: &StepRecord) -> bool {
    !s.method.starts_with("IVdsAsync::")
        && s.method != "IVdsHwProvider::Reenumerate"
        && s.method != "IVdsHwProvider::Refresh"
}

pub(super) fn check(h: &History, j: &mut Judgement) {
    let corruptions: Vec<usize> = h
        .faults
        .iter()
        .filter(|f| f.kind == "cache_corruption" && f.detail == "provider cache corrupted")
        .map(|f| f.seq)
        .collect();
    // Each episode: (start seq, recovery seq = return of the recovering Refresh, or MAX).
    let mut episodes = Vec::new();
    for (i, &start) in corruptions.iter().enumerate() {
        let next = corruptions.get(i + 1).copied().unwrap_or(usize::MAX);
        let reenum = h.calls.iter().find(|s| {
            s.method == "IVdsHwProvider::Reenumerate"
                && s.hr.succeeded()
                && s.seq_call > start
                && s.seq_call < next
        });
        let refresh = reenum.and_then(|r| {
            h.calls.iter().find(|s| {
                s.method == "IVdsHwProvider::Refresh"
                    && s.hr.succeeded()
                    && s.seq_call > r.seq_return
                    && s.seq_call < next
            })
        });
        // A Refresh that succeeds before any Reenumerate breaks the sequence.
        let first_reenum = reenum.map_or(next, |r| r.seq_call);
        for s in h.calls.iter().filter(|s| {
            s.method == "IVdsHwProvider::Refresh" && s.seq_call > start && s.seq_call < first_reenum
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
                (s.method == "IVdsHwProvider::Reenumerate" || s.method == "IVdsHwProvider::Refresh")
                    && s.seq_call > start
            })
            .map(|s| s.seq_call)
            .min()
            .unwrap_or(usize::MAX);
        let recovery_call = refresh.map_or(next, |r| r.seq_call);
        for s in h
            .calls
            .iter()
            .filter(|s| gated(s) && s.seq_call > start && s.seq_call < recovery_call.min(next))
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
    // After recovery (or with no corruption at all), nothing is corrupt.
    for s in h.calls.iter().filter(|s| gated(s)) {
        let in_episode = episodes
            .iter()
            .any(|(start, recovered, _)| s.seq_call > *start && s.seq_call < *recovered);
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
