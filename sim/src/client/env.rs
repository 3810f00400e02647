//! The client's environment: pointers held under names.

use super::*;

impl Client {
    /// Binds a new pointer, releasing whatever had the name before.
    pub(super) fn bind(&mut self, name: &str, b: Binding) {
        if let Some(old) = self.env.insert(name.to_string(), b) {
            old.release();
        }
    }

    pub(super) fn target(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiTarget>> {
        match self.env.get(name) {
            Some(Binding::Target(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn group(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiPortalGroup>> {
        match self.env.get(name) {
            Some(Binding::Group(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn portal(&self, name: &str) -> Option<&ComPtr<dyn IVdsIscsiPortal>> {
        match self.env.get(name) {
            Some(Binding::Portal(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn op(&self, name: &str) -> Option<&ComPtr<dyn IVdsAsync>> {
        match self.env.get(name) {
            Some(Binding::Async(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn subsystem_named(&self, name: &str) -> Option<&ComPtr<dyn IVdsSubSystemIscsi>> {
        match self.env.get(name) {
            Some(Binding::SubSystem(p)) => Some(p),
            _ => None,
        }
    }

    pub(super) fn subsystem(&self) -> Option<&ComPtr<dyn IVdsSubSystemIscsi>> {
        self.subsystem_named("subsystem")
    }

    /// Takes a pointer the client holds out of its environment and hands it
    /// to `then` (to release or leak it); skips the step if none is held.
    pub(super) fn unbind(&mut self, step: usize, name: &str, then: fn(Binding)) {
        match self.env.remove(name) {
            Some(b) => then(b),
            None => self.skip(step, format!("nothing named `{name}` is held")),
        }
    }

    /// The id of the portal at an address; an unknown address stands for a
    /// portal id nobody has (the OBJECT_NOT_FOUND case).
    pub(super) fn portal_id(&self, address: &str) -> VDS_OBJECT_ID {
        self.portals
            .get(address)
            .copied()
            .unwrap_or(VDS_OBJECT_ID::from_u128(0xdead))
    }
}
