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
        let ask = Ask::new(0, Method::SubSystemQueryTargets).on(sub.object_id());
        let (_, targets) = self.invoke(ask, sub.QueryTargets(), nothing).await;
        let ask = Ask::new(0, Method::SubSystemQueryPortals).on(sub.object_id());
        let (_, portals) = self.invoke(ask, sub.QueryPortals(), nothing).await;
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
        let ask = Ask::new(0, Method::HwProviderQuerySubSystems);
        let (_, subsystems) = self.invoke(ask, self.root.QuerySubSystems(), nothing).await;
        let mut subsystems = subsystems.unwrap_or_default().into_iter();
        if let Some(s) = subsystems.next() {
            self.bind("subsystem", Binding::SubSystem(s));
        }
        subsystems.for_each(ComPtr::release);
    }

    /// Binds a target under its friendly name, unless it has none or the
    /// name is taken; otherwise releases it.
    async fn name_target(&mut self, t: ComPtr<dyn IVdsIscsiTarget>) {
        let ask = Ask::new(0, Method::TargetGetProperties).on(t.object_id());
        let fut = t.GetProperties();
        let (_, props) = self.invoke(ask, fut, |p| p.pwszFriendlyName.clone()).await;
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
        let ask = Ask::new(0, Method::PortalGetProperties).on(p.object_id());
        let fut = p.GetProperties();
        let (_, props) = self.invoke(ask, fut, |p| p.address.to_string()).await;
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
