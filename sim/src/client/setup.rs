//! Set-up (finding the subsystem, targets and portals) and the final release.

use super::*;

impl Client {
    /// Set-up (step 0): find the subsystem, name the targets by friendly
    /// name and learn the portals' ids by address.
    pub(super) async fn setup(&mut self) {
        self.find_subsystem().await;
        let Some(sub) = self.subsystem() else {
            return;
        };
        let (id, fut) = (sub.object_id(), sub.QueryTargets());
        let (_, targets) = self
            .invoke(
                0,
                Method::SubSystemQueryTargets,
                id,
                String::new(),
                fut,
                |_| String::new(),
            )
            .await;
        let (id, fut) = (sub.object_id(), sub.QueryPortals());
        let (_, portals) = self
            .invoke(
                0,
                Method::SubSystemQueryPortals,
                id,
                String::new(),
                fut,
                |_| String::new(),
            )
            .await;
        for t in targets.unwrap_or_default() {
            self.name_target(t).await;
        }
        for p in portals.unwrap_or_default() {
            self.learn_portal(p).await;
        }
    }

    /// Binds the first subsystem the provider reports as `subsystem` and
    /// releases any others.
    async fn find_subsystem(&mut self) {
        let fut = self.root.QuerySubSystems();
        let (_, subsystems) = self
            .invoke(
                0,
                Method::HwProviderQuerySubSystems,
                None,
                String::new(),
                fut,
                |_| String::new(),
            )
            .await;
        let mut subsystems = subsystems.unwrap_or_default().into_iter();
        if let Some(s) = subsystems.next() {
            self.bind("subsystem", Binding::SubSystem(s));
        }
        subsystems.for_each(ComPtr::release);
    }

    /// Binds a target under its friendly name, unless it has none or the
    /// name is taken; otherwise releases it.
    async fn name_target(&mut self, t: ComPtr<dyn IVdsIscsiTarget>) {
        let (id, fut) = (t.object_id(), t.GetProperties());
        let (_, props) = self
            .invoke(
                0,
                Method::TargetGetProperties,
                id,
                String::new(),
                fut,
                |p| p.pwszFriendlyName.clone(),
            )
            .await;
        match props.map(|p| p.pwszFriendlyName) {
            Some(name) if !name.is_empty() && !self.env.contains_key(&name) => {
                self.bind(&name, Binding::Target(t))
            }
            _ => t.release(),
        }
    }

    /// Learns a portal's id by its address and binds it under the address,
    /// unless the name is taken; otherwise releases it.
    async fn learn_portal(&mut self, p: ComPtr<dyn IVdsIscsiPortal>) {
        let (id, fut) = (p.object_id(), p.GetProperties());
        let (_, props) = self
            .invoke(
                0,
                Method::PortalGetProperties,
                id,
                String::new(),
                fut,
                |p| p.address.to_string(),
            )
            .await;
        if let Some(props) = props {
            let address = props.address.to_string();
            self.portals.insert(address.clone(), props.id);
            if !self.env.contains_key(&address) {
                self.bind(&address, Binding::Portal(p));
                return;
            }
        }
        p.release();
    }

    /// Releases everything still held, as a correct caller does at the end.
    pub(super) fn finish(mut self) {
        for (_, b) in std::mem::take(&mut self.env) {
            b.release();
        }
        self.root.release();
    }
}
