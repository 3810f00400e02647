//! The simulated storage array: the source of truth about targets, portal
//! groups and portals. Providers reach it only through an
//! [`ArrayLink`](link::ArrayLink); operations on it take simulated time.

pub mod link;
pub(crate) mod protocol;
pub(crate) mod state;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

pub use protocol::{ArrayError, ArrayReply, ArrayRequest, ArrayResult};
pub use state::{ArraySnapshot, FRIENDLY_NAME_LIMIT, GroupRecord, PortalRecord, TargetRecord};

use crate::props::{VDS_IPADDRESS, VDS_ISCSI_PORTAL_STATUS, VDS_OBJECT_ID};
use crate::runtime;

/// The shape and timing of an array, built with setters that state their defaults.
///
/// ```
/// use vds_sim::array::ArrayConfig;
/// let cfg = ArrayConfig::new().group_limit(2).target("t1").portal("10.0.0.1", 3260);
/// assert_eq!(cfg.targets.len(), 1);
/// ```
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ArrayConfig {
    /// Portal groups a target may have. Default 4.
    pub group_limit: u16,
    /// Simulated time one mutating operation takes. Default 20 ms.
    pub op_time: Duration,
    /// Extra random time added to each operation, up to this much. Default 10 ms.
    pub op_jitter: Duration,
    /// Targets present at the start, by friendly name.
    pub targets: Vec<InitialTarget>,
    /// Portals present at the start: address and TCP port.
    pub portals: Vec<(String, u32)>,
}

/// A target present when the run starts.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct InitialTarget {
    /// Its friendly name; scenarios refer to it by this name.
    pub name: String,
    /// Portal groups it starts with.
    pub groups: u16,
    /// LUNs associated with it (blocks Delete).
    pub luns: u16,
    /// Initiators logged in to it.
    pub initiators: Vec<String>,
}

impl Default for ArrayConfig {
    fn default() -> Self {
        Self {
            group_limit: 4,
            op_time: Duration::from_millis(20),
            op_jitter: Duration::from_millis(10),
            targets: Vec::new(),
            portals: Vec::new(),
        }
    }
}

impl ArrayConfig {
    /// The defaults: an empty array, 4 groups per target, 20–30 ms per operation.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets how many portal groups a target may have.
    pub fn group_limit(mut self, n: u16) -> Self {
        self.group_limit = n;
        self
    }
    /// Sets the time one operation takes.
    pub fn op_time(mut self, d: Duration) -> Self {
        self.op_time = d;
        self
    }
    /// Sets the random extra time per operation.
    pub fn op_jitter(mut self, d: Duration) -> Self {
        self.op_jitter = d;
        self
    }
    /// Adds a target with no groups and no LUNs.
    pub fn target(mut self, name: &str) -> Self {
        self.targets.push(InitialTarget {
            name: name.to_string(),
            groups: 0,
            luns: 0,
            initiators: Vec::new(),
        });
        self
    }
    /// Adds a fully described target.
    pub fn initial_target(mut self, t: InitialTarget) -> Self {
        self.targets.push(t);
        self
    }
    /// Adds a portal with a dotted IPv4 address (or host name) and port.
    pub fn portal(mut self, address: &str, port: u32) -> Self {
        self.portals.push((address.to_string(), port));
        self
    }
}

/// One request the array applied (or refused), with when.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct ArrayEvent {
    /// Simulated time, in µs.
    pub t_us: u128,
    /// The request.
    pub request: ArrayRequest,
    /// What the array answered: `None` on success, else the refusal.
    pub error: Option<ArrayError>,
    /// For a created object, its id.
    pub created: Option<VDS_OBJECT_ID>,
    /// For a created portal group, the tag the array assigned it.
    pub tag: Option<u16>,
    /// True when applied on the array directly (a fault), not through a provider's link.
    pub direct: bool,
}

struct ArrayInner {
    state: ArraySnapshot,
    /// Every mutating request, in the order applied: the ground truth's history.
    log: Vec<ArrayEvent>,
    ids: ChaCha8Rng,
    timing: ChaCha8Rng,
    /// Fault: the next request is refused as invalid.
    reject_next: bool,
    /// Fault: operations take this many times longer.
    slow_factor: u32,
}

/// The array. Cheap to clone: clones share one array.
#[derive(Clone)]
pub struct Array {
    inner: Arc<Mutex<ArrayInner>>,
    config: Arc<ArrayConfig>,
}

impl std::fmt::Debug for Array {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Array").finish_non_exhaustive()
    }
}

fn parse_ipv4(s: &str) -> Option<[u8; 4]> {
    let parts: Vec<u8> = s
        .split('.')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    parts.try_into().ok()
}

impl Array {
    /// Builds the array from its configuration; `seed` drives its ids and timing.
    pub fn new(config: ArrayConfig, seed: u64) -> Self {
        let mut ids = ChaCha8Rng::seed_from_u64(seed);
        let mut timing = ChaCha8Rng::seed_from_u64(seed);
        timing.set_stream(1);
        let subsystem = VDS_OBJECT_ID::from_rng(&mut ids);
        let mut state = ArraySnapshot {
            subsystem,
            subsystem_name: "SimArray iSCSI subsystem".to_string(),
            group_limit: config.group_limit,
            targets: Default::default(),
            groups: Default::default(),
            portals: Default::default(),
        };
        for (address, port) in &config.portals {
            let id = VDS_OBJECT_ID::from_rng(&mut ids);
            let address = match parse_ipv4(address) {
                Some(ip) => VDS_IPADDRESS::ipv4(ip, *port),
                None => VDS_IPADDRESS::text(address, *port),
            };
            state.portals.insert(
                id,
                PortalRecord {
                    id,
                    address,
                    status: VDS_ISCSI_PORTAL_STATUS::VDS_IPS_ONLINE,
                },
            );
        }
        for t in &config.targets {
            let mut new_id = || VDS_OBJECT_ID::from_rng(&mut ids);
            let reply = state
                .apply(
                    &ArrayRequest::CreateTarget {
                        iscsi_name: Some(format!("iqn.1991-05.com.example:{}", t.name)),
                        friendly_name: t.name.clone(),
                    },
                    &mut new_id,
                )
                .expect("initial targets have distinct names");
            let ArrayReply::Target { target, .. } = reply else {
                unreachable!("CreateTarget answers with a target")
            };
            for _ in 0..t.groups.min(config.group_limit) {
                state
                    .apply(
                        &ArrayRequest::CreatePortalGroup { target: target.id },
                        &mut new_id,
                    )
                    .expect("initial groups fit the limit");
            }
            let rec = state.targets.get_mut(&target.id).expect("just created");
            rec.luns = (0..t.luns)
                .map(|_| VDS_OBJECT_ID::from_rng(&mut ids))
                .collect();
            rec.connected_initiators = t.initiators.clone();
        }
        Self {
            inner: Arc::new(Mutex::new(ArrayInner {
                state,
                log: Vec::new(),
                ids,
                timing,
                reject_next: false,
                slow_factor: 1,
            })),
            config: Arc::new(config),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ArrayInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Serves one request: waits the operation's simulated time (mutating
    /// requests only), then applies it.
    pub(crate) async fn execute(&self, req: ArrayRequest) -> ArrayResult {
        runtime::note_array_request();
        if req.mutates() {
            let delay = {
                let mut inner = self.lock();
                let jitter = self.config.op_jitter.as_micros() as u64;
                let extra = if jitter == 0 {
                    0
                } else {
                    inner.timing.random_range(0..=jitter)
                };
                (self.config.op_time + Duration::from_micros(extra)) * inner.slow_factor
            };
            runtime::sleep(delay).await;
        }
        self.apply_now(&req)
    }

    /// Applies a request on the array directly, at once, as an administrator
    /// at the array's own console would: behind every provider's back.
    pub(crate) fn apply_direct(&self, req: &ArrayRequest) -> ArrayResult {
        self.apply(req, true)
    }

    /// Applies a request at once, without simulated time.
    pub fn apply_now(&self, req: &ArrayRequest) -> ArrayResult {
        self.apply(req, false)
    }

    fn apply(&self, req: &ArrayRequest, direct: bool) -> ArrayResult {
        let mut inner = self.lock();
        if std::mem::take(&mut inner.reject_next) {
            return Err(ArrayError::InvalidParameter);
        }
        let ArrayInner {
            state, ids, log, ..
        } = &mut *inner;
        let mut new_id = || VDS_OBJECT_ID::from_rng(ids);
        let result = state.apply(req, &mut new_id);
        if req.mutates() {
            let (created, tag) = match (&result, req) {
                (Ok(ArrayReply::Group { group }), ArrayRequest::CreatePortalGroup { .. }) => {
                    (Some(group.id), Some(group.tag))
                }
                (Ok(ArrayReply::Target { target, .. }), ArrayRequest::CreateTarget { .. }) => {
                    (Some(target.id), None)
                }
                _ => (None, None),
            };
            log.push(ArrayEvent {
                t_us: runtime::now_or_zero().as_micros(),
                request: req.clone(),
                error: result.as_ref().err().cloned(),
                created,
                tag,
                direct,
            });
        }
        result
    }

    /// Every mutating request so far, in order, with its time and result.
    pub fn log(&self) -> Vec<ArrayEvent> {
        self.lock().log.clone()
    }

    /// A copy of everything the array holds now.
    pub fn snapshot(&self) -> ArraySnapshot {
        self.lock().state.clone()
    }

    /// The id of the target with this friendly name, if any.
    pub fn target_named(&self, name: &str) -> Option<VDS_OBJECT_ID> {
        self.lock()
            .state
            .targets
            .values()
            .find(|t| t.friendly_name == name)
            .map(|t| t.id)
    }

    /// Fault: refuse the next request, of any kind, as malformed.
    pub(crate) fn reject_next_request(&self) {
        self.lock().reject_next = true;
    }

    /// Fault: make operations `factor` times slower (1 restores).
    pub(crate) fn set_slow_factor(&self, factor: u32) {
        self.lock().slow_factor = factor.max(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::props::VDS_IPADDRESS_TYPE;

    #[test]
    fn portals_are_ipv4_when_written_as_four_octets_and_text_otherwise() {
        let array = Array::new(
            ArrayConfig::new()
                .portal("192.168.0.10", 3260)
                .portal("array.example", 3261)
                .portal("1.2.3", 3262),
            7,
        );
        let mut addresses: Vec<_> = array
            .snapshot()
            .portals
            .values()
            .map(|p| p.address.clone())
            .collect();
        addresses.sort_by_key(|a| a.ulPort);
        assert_eq!(addresses[0], VDS_IPADDRESS::ipv4([192, 168, 0, 10], 3260));
        assert_eq!(addresses[0].r#type, VDS_IPADDRESS_TYPE::VDS_IPT_IPV4);
        assert_eq!(addresses[1], VDS_IPADDRESS::text("array.example", 3261));
        assert_eq!(addresses[2], VDS_IPADDRESS::text("1.2.3", 3262));
    }

    #[test]
    fn the_array_names_a_target_created_without_a_name_or_with_an_empty_one() {
        let array = Array::new(ArrayConfig::new(), 7);
        for (friendly, name) in [("a", None), ("b", Some(String::new()))] {
            let reply = array.apply_now(&ArrayRequest::CreateTarget {
                iscsi_name: name,
                friendly_name: friendly.into(),
            });
            let Ok(ArrayReply::Target { target, .. }) = reply else {
                panic!("CreateTarget answers with a target: {reply:?}")
            };
            assert!(
                target
                    .iscsi_name
                    .starts_with("iqn.1991-05.com.example:sim-target-"),
                "{}",
                target.iscsi_name
            );
        }
    }

    #[test]
    fn friendly_names_longer_than_the_limit_are_cut_and_say_so() {
        use state::FRIENDLY_NAME_LIMIT;
        let array = Array::new(ArrayConfig::new().target("t1"), 7);
        let t1 = array.target_named("t1").expect("configured");
        for (len, cut) in [
            (FRIENDLY_NAME_LIMIT - 1, false),
            (FRIENDLY_NAME_LIMIT, false),
            (FRIENDLY_NAME_LIMIT + 1, true),
            (FRIENDLY_NAME_LIMIT + 9, true),
        ] {
            let name = "é".repeat(len);
            let reply = array.apply_now(&ArrayRequest::SetFriendlyName {
                target: t1,
                name: name.clone(),
            });
            assert!(
                matches!(reply, Ok(ArrayReply::Done { truncated }) if truncated == cut),
                "{len}: {reply:?}"
            );
            let kept: String = name.chars().take(FRIENDLY_NAME_LIMIT).collect();
            assert_eq!(array.snapshot().targets[&t1].friendly_name, kept);
        }
    }

    #[test]
    fn chap_is_on_while_a_secret_is_set_and_initiators_are_remembered_with_theirs() {
        let array = Array::new(ArrayConfig::new().target("t1"), 7);
        let t1 = array.target_named("t1").expect("configured");
        let target = || array.snapshot().targets[&t1].clone();
        let secret = |s: Option<&[u8]>| ArrayRequest::SetSharedSecret {
            target: t1,
            initiator: None,
            secret: s.map(<[u8]>::to_vec),
        };
        let remember = |s: Option<&[u8]>| ArrayRequest::RememberInitiatorSecret {
            target: t1,
            initiator: "iqn.1991-05.com.example:host".into(),
            secret: s.map(<[u8]>::to_vec),
        };
        for (set, on) in [
            (Some(&b"0123456789ab"[..]), true),
            (Some(&b""[..]), false),
            (None, false),
        ] {
            assert!(array.apply_now(&secret(set)).is_ok());
            assert_eq!(target().chap_enabled, on, "{set:?}");
            assert!(array.apply_now(&remember(set)).is_ok());
            assert_eq!(
                target().remembered_initiators.len(),
                usize::from(on),
                "{set:?}"
            );
        }
    }

    #[test]
    #[should_panic(expected = "groups, limit")]
    fn the_invariants_refuse_a_target_over_its_group_limit() {
        let array = Array::new(ArrayConfig::new().group_limit(1).target("t1"), 7);
        let t1 = array.target_named("t1").expect("configured");
        let mut state = array.snapshot();
        let mut id = 0u128;
        let mut new_id = || {
            id += 1;
            VDS_OBJECT_ID::from_u128(id)
        };
        // Two groups through the state itself, past the limit of one.
        state
            .apply(&ArrayRequest::CreatePortalGroup { target: t1 }, &mut new_id)
            .expect("below the limit");
        let g = state.groups.values().next().expect("one group").clone();
        let twin = GroupRecord {
            id: VDS_OBJECT_ID::from_u128(99),
            tag: g.tag + 1,
            ..g
        };
        state.groups.insert(twin.id, twin);
        state.assert_invariants();
    }

    #[test]
    fn the_log_names_what_each_creation_made() {
        let array = Array::new(ArrayConfig::new().target("t1"), 7);
        let t1 = array.target_named("t1").expect("configured");
        let target = array.apply_now(&ArrayRequest::CreateTarget {
            iscsi_name: None,
            friendly_name: "t2".into(),
        });
        let group = array.apply_direct(&ArrayRequest::CreatePortalGroup { target: t1 });
        let log = array.log();
        assert_eq!(log.len(), 2);
        let t2 = array.target_named("t2").expect("created");
        assert!(matches!(target, Ok(ArrayReply::Target { target, .. }) if target.id == t2));
        assert_eq!(log[0].created, Some(t2));
        assert!(!log[0].direct);
        let Ok(ArrayReply::Group { group }) = group else {
            panic!("CreatePortalGroup answers with a group: {group:?}")
        };
        assert_eq!(log[1].created, Some(group.id));
        assert!(log[1].direct);
    }
}
