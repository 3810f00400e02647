//! The reference provider's cache of the array's state, sealed with a
//! checksum so that corruption is noticed rather than served.

use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};

use crate::array::{ArraySnapshot, GroupRecord, TargetRecord};
use crate::props::VDS_OBJECT_ID;

/// The cache's checksum. The seal is only ever compared with another seal
/// of the same process, never traced or written; it guards against damage,
/// not against an adversary, so a multiply-rotate hash (in the manner of
/// rustc's FxHash) serves, at a fraction of SipHash's cost.
fn seal_of(data: &ArraySnapshot) -> u64 {
    let mut h = SealHasher(0);
    data.hash(&mut h);
    h.finish()
}

/// The seal's hasher: each word is folded in by rotate, xor and multiply.
struct SealHasher(u64);

impl SealHasher {
    const K: u64 = 0xf135_7aea_2e62_a9c5;

    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(26) ^ word).wrapping_mul(Self::K);
    }
}

impl Hasher for SealHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            self.add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let mut tail = [0u8; 8];
        let rest = chunks.remainder();
        tail[..rest.len()].copy_from_slice(rest);
        self.add(u64::from_le_bytes(tail) ^ ((rest.len() as u64) << 59));
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// What the provider believes the array holds.
#[derive(Debug, Clone)]
pub(crate) struct Cache {
    data: Option<ArraySnapshot>,
    seal: u64,
    /// True once the contents may differ from what was sealed: changed
    /// other than by a method that seals (only [`Cache::corrupt`] does).
    /// Until then the seal holds without hashing the contents again, which
    /// every call's gate would otherwise do.
    touched: bool,
    /// Objects the provider has seen disappear (deleted through it, or
    /// found gone on the array).
    deleted: BTreeSet<VDS_OBJECT_ID>,
    /// Damage suffered while nothing was loaded (the salt): the cache
    /// counts as corrupt, and the copy [`Cache::fill`] installs next
    /// arrives damaged.
    damaged_empty: Option<u64>,
}

impl Default for Cache {
    fn default() -> Self {
        Self::new()
    }
}

impl Cache {
    /// An empty cache that must be loaded before use.
    pub fn new() -> Self {
        Self {
            data: None,
            seal: 0,
            touched: false,
            deleted: BTreeSet::new(),
            damaged_empty: None,
        }
    }

    /// True once the cache holds a copy of the array.
    pub(crate) fn loaded(&self) -> bool {
        self.data.is_some()
    }

    /// True when the contents still match their seal.
    pub(crate) fn intact(&self) -> bool {
        match &self.data {
            Some(d) => !self.touched || seal_of(d) == self.seal,
            None => self.damaged_empty.is_none(),
        }
    }

    /// The targets and groups the cache knows of now: what a copy of the
    /// array asked for now can be compared with when it arrives ([`Cache::load_since`]).
    pub(crate) fn known(&self) -> BTreeSet<VDS_OBJECT_ID> {
        self.data
            .as_ref()
            .map(|d| d.targets.keys().chain(d.groups.keys()).copied().collect())
            .unwrap_or_default()
    }

    /// Replaces the contents with a fresh copy of the array, sealed. Objects
    /// that were cached but are not in the copy are remembered as deleted.
    pub(crate) fn load(&mut self, snapshot: ArraySnapshot) {
        let known = self.known();
        self.load_since(snapshot, &known);
    }

    /// Replaces the contents with a copy of the array that was asked for
    /// when the cache knew `known`; the copy may be older than what the
    /// cache learned while it travelled. Ids are never reused, so:
    /// - an object known then and missing from the copy is deleted;
    /// - a target learned since (a CreateTarget reply that overtook the
    ///   copy) is kept, and so is a group learned since while the cache is
    ///   intact (a damaged group must not survive the cure);
    /// - an object the cache knows to be deleted is not revived by the copy.
    pub(crate) fn load_since(
        &mut self,
        mut snapshot: ArraySnapshot,
        known: &BTreeSet<VDS_OBJECT_ID>,
    ) {
        let intact = self.intact();
        if let Some(old) = &self.data {
            let absent = |id: &VDS_OBJECT_ID| {
                !snapshot.targets.contains_key(id) && !snapshot.groups.contains_key(id)
            };
            let gone: Vec<_> = known.iter().filter(|id| absent(id)).copied().collect();
            self.deleted.extend(gone);
            // What the cache knew then and the copy lacks is gone (above);
            // what the copy has it knows better: only objects learned
            // since are kept from the cache.
            for (id, t) in &old.targets {
                snapshot.targets.entry(*id).or_insert_with(|| t.clone());
            }
            if intact {
                for (id, g) in &old.groups {
                    snapshot.groups.entry(*id).or_insert_with(|| g.clone());
                }
            }
        }
        // A group whose target is gone stays out of sight: PortalGroup's
        // prologue finds no target for it.
        snapshot.targets.retain(|id, _| !self.deleted.contains(id));
        snapshot.groups.retain(|id, _| !self.deleted.contains(id));
        self.seal = seal_of(&snapshot);
        self.touched = false;
        self.data = Some(snapshot);
        self.damaged_empty = None;
    }

    /// Loads an empty cache on first use (after a start or a restart). If
    /// the cache was damaged while the copy was on its way, the copy is
    /// installed damaged: the damage stands until Reenumerate then Refresh,
    /// and the objects in the copy are still there (a damaged cache must
    /// be reported as corrupt, never make present objects look deleted).
    pub(crate) fn fill(&mut self, snapshot: ArraySnapshot) {
        let damage = self.damaged_empty.take();
        self.load(snapshot);
        if let Some(salt) = damage {
            self.corrupt(salt);
        }
    }

    /// Forgets everything (the provider restarted).
    pub(crate) fn clear(&mut self) {
        self.data = None;
        self.seal = 0;
        self.touched = false;
        self.damaged_empty = None;
    }

    /// The cached copy. Panics if not loaded: callers load first.
    pub(crate) fn data(&self) -> &ArraySnapshot {
        self.data.as_ref().expect("cache used before it was loaded")
    }

    /// Changes the contents through `f` and seals the result.
    pub(crate) fn update(&mut self, f: impl FnOnce(&mut ArraySnapshot)) {
        if !self.intact() {
            return; // a corrupt cache stays corrupt until reloaded
        }
        if let Some(d) = self.data.as_mut() {
            f(d);
            self.seal = seal_of(d);
            self.touched = false;
        }
    }

    /// Seals the contents as they are, damaged or not, and forgets damage
    /// suffered while empty (only a broken provider does this without
    /// reloading).
    pub(crate) fn reseal(&mut self) {
        if let Some(d) = &self.data {
            self.seal = seal_of(d);
        }
        self.touched = false;
        self.damaged_empty = None;
    }

    /// Fault: damages the contents without resealing them.
    pub(crate) fn corrupt(&mut self, salt: u64) {
        if let Some(d) = self.data.as_mut() {
            self.touched = true;
            d.subsystem_name = format!("{}\u{fffd}{salt:x}", d.subsystem_name);
            if let Some(g) = d.groups.values_mut().next() {
                g.tag = g.tag.wrapping_add(0x5a5a);
            }
        } else {
            // Nothing loaded yet: the copy loaded next arrives damaged.
            // (Installing an empty stand-in here once made a load already
            // on its way keep the stand-in, in which no target exists.)
            self.damaged_empty = Some(salt);
        }
    }

    /// Records that an object is gone, and drops it (and a target's groups) from the cache.
    pub(crate) fn mark_deleted(&mut self, id: VDS_OBJECT_ID) {
        self.deleted.insert(id);
        let groups: Vec<_> = self
            .data
            .as_ref()
            .map(|d| d.groups_of(id).into_iter().map(|g| g.id).collect())
            .unwrap_or_default();
        self.deleted.extend(groups.iter().copied());
        self.update(|d| {
            d.targets.remove(&id);
            d.groups.remove(&id);
            for g in &groups {
                d.groups.remove(g);
            }
        });
    }

    /// A cached target.
    pub(crate) fn target(&self, id: VDS_OBJECT_ID) -> Option<&TargetRecord> {
        self.data.as_ref()?.targets.get(&id)
    }

    /// A cached group.
    pub(crate) fn group(&self, id: VDS_OBJECT_ID) -> Option<&GroupRecord> {
        self.data.as_ref()?.groups.get(&id)
    }

    /// Puts a target's fresh record and groups into the cache.
    pub(crate) fn put_target(&mut self, target: TargetRecord, groups: Vec<GroupRecord>) {
        self.update(|d| {
            d.groups.retain(|_, g| g.target != target.id);
            for g in groups {
                d.groups.insert(g.id, g);
            }
            d.targets.insert(target.id, target);
        });
    }

    /// Puts a group's fresh record into the cache.
    pub(crate) fn put_group(&mut self, group: GroupRecord) {
        self.update(|d| {
            d.groups.insert(group.id, group);
        });
    }
}
