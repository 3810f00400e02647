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
}
