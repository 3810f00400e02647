//! One program step: the call it makes and what is kept of its result.
//! [`Client::exec`] matches each step once and makes its call.

use super::*;

/// Releases the pointers a call handed back that the client does not keep.
fn release_all<I: ?Sized + crate::com::Interface>(v: Option<Vec<ComPtr<I>>>) {
    v.into_iter().flatten().for_each(ComPtr::release);
}

/// Counts the pointers a call handed back, for the trace.
fn count<T>(what: &'static str) -> impl FnOnce(&Vec<T>) -> String {
    move |v| format!("{} {what}", v.len())
}

impl Client {
    pub(super) async fn exec(&mut self, step: usize, s: &Step) {
        match s {
            Step::Sleep { ms } => runtime::sleep(std::time::Duration::from_millis(*ms)).await,
            Step::Leak { name } => self.unbind(step, name, Binding::leak),
            Step::Release { name } => self.unbind(step, name, Binding::release),
            Step::Reenumerate => self.hw_provider(step, Method::HwProviderReenumerate).await,
            Step::Refresh => self.hw_provider(step, Method::HwProviderRefresh).await,
            Step::QueryTargets => self.query_targets(step).await,
            Step::QueryPortals => self.query_portals(step).await,
            Step::CreateTarget {
                iscsi_name,
                friendly_name,
                bind,
            } => {
                let iscsi_name = iscsi_name.as_deref();
                self.create_target(step, iscsi_name, friendly_name, bind)
                    .await
            }
            Step::CreatePortalGroup { target, bind } => {
                self.create_portal_group(step, target, bind).await
            }
            Step::DeleteTarget { target, bind } => self.delete_target(step, target, bind).await,
            Step::GetSubSystem { target } => self.target_sub_system(step, target).await,
            Step::QueryPortalGroups { target, bind } => {
                self.query_portal_groups(step, target, bind.as_deref())
                    .await
            }
            Step::SetSharedSecret {
                target,
                secret,
                null_secret_with_size,
                initiator,
            } => {
                let secret = (secret.as_deref(), *null_secret_with_size);
                self.set_shared_secret(step, target, secret, initiator.as_deref())
                    .await
            }
            Step::RememberInitiatorSharedSecret {
                target,
                initiator,
                secret,
            } => {
                let (initiator, secret) = (initiator.as_deref(), secret.as_deref());
                self.remember_secret(step, target, initiator, secret).await
            }
            Step::GetTargetProperties { target } => self.target_properties(step, target).await,
            Step::QueryAssociatedLuns { target } => self.luns(step, target).await,
            Step::SetFriendlyName { target, name } => {
                self.set_friendly_name(step, target, name).await
            }
            Step::GetConnectedInitiators { target } => self.initiators(step, target).await,
            Step::GetPortalGroupProperties { group } => self.group_properties(step, group).await,
            Step::GetTarget { group, bind } => self.get_target(step, group, bind.as_deref()).await,
            Step::QueryAssociatedPortals { group } => self.group_portals(step, group).await,
            Step::AddPortal {
                group,
                portal,
                bind,
            } => {
                self.portal_op(step, Method::PortalGroupAddPortal, group, portal, bind)
                    .await
            }
            Step::RemovePortal {
                group,
                portal,
                bind,
            } => {
                self.portal_op(step, Method::PortalGroupRemovePortal, group, portal, bind)
                    .await
            }
            Step::DeletePortalGroup { group, bind } => self.delete_group(step, group, bind).await,
            Step::GetPortalProperties { portal } => self.portal_properties(step, portal).await,
            Step::GetPortalSubSystem { portal } => self.portal_sub_system(step, portal).await,
            Step::QueryAssociatedPortalGroups { portal } => self.portal_groups(step, portal).await,
            Step::SetPortalStatus { portal, status } => {
                self.set_portal_status(step, portal, *status).await
            }
            Step::QueryStatus { op } => self.query_status(step, op).await,
            Step::Cancel { op } => self.cancel(step, op).await,
            Step::Wait { op, bind } => self.wait_step(step, op, bind.as_deref()).await,
        }
    }

    /// Reenumerate or Refresh.
    async fn hw_provider(&self, step: usize, method: Method) {
        let p = self.root.object();
        let fut = if method == Method::HwProviderRefresh {
            p.Refresh()
        } else {
            p.Reenumerate()
        };
        self.invoke(Ask::new(step, method), fut, nothing).await;
    }

    async fn query_targets(&self, step: usize) {
        let (sub, id) = need!(self, step, subsystem_named, "subsystem", "subsystem");
        let ask = Ask::new(step, Method::SubSystemQueryTargets).on(id);
        let (_, v) = self.invoke(ask, sub.QueryTargets(), count("targets")).await;
        release_all(v);
    }

    async fn query_portals(&self, step: usize) {
        let (sub, id) = need!(self, step, subsystem_named, "subsystem", "subsystem");
        let ask = Ask::new(step, Method::SubSystemQueryPortals).on(id);
        let (_, v) = self.invoke(ask, sub.QueryPortals(), count("portals")).await;
        release_all(v);
    }

    async fn create_portal_group(&mut self, step: usize, target: &str, bind: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetCreatePortalGroup).on(id);
        self.start(ask, t.CreatePortalGroup(), bind).await;
    }

    async fn delete_target(&mut self, step: usize, target: &str, bind: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetDelete).on(id);
        self.start(ask, t.Delete(), bind).await;
    }

    async fn target_sub_system(&self, step: usize, target: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetGetSubSystem).on(id);
        let (_, sub) = self
            .invoke(ask, t.GetSubSystem(), |s| format!("{s:?}"))
            .await;
        sub.into_iter().for_each(ComPtr::release);
    }

    async fn target_properties(&self, step: usize, target: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetGetProperties).on(id);
        let render = |p: &_| serde_json::to_string(p).unwrap_or_default();
        self.invoke(ask, t.GetProperties(), render).await;
    }

    async fn luns(&self, step: usize, target: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetQueryAssociatedLuns).on(id);
        self.invoke(ask, t.QueryAssociatedLuns(), count("luns"))
            .await;
    }

    async fn set_friendly_name(&self, step: usize, target: &str, name: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetSetFriendlyName).on(id);
        let ask = ask.args(format!("{name:?}"));
        self.invoke(ask, t.SetFriendlyName(name), nothing).await;
    }

    async fn initiators(&self, step: usize, target: &str) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetGetConnectedInitiators).on(id);
        self.invoke(ask, t.GetConnectedInitiators(), |v| v.join(","))
            .await;
    }

    async fn group_properties(&self, step: usize, group: &str) {
        let (g, id) = need!(self, step, group, group, "portal group");
        let ask = Ask::new(step, Method::PortalGroupGetProperties).on(id);
        self.invoke(ask, g.GetProperties(), |p| format!("tag={}", p.tag))
            .await;
    }

    async fn group_portals(&self, step: usize, group: &str) {
        let (g, id) = need!(self, step, group, group, "portal group");
        let ask = Ask::new(step, Method::PortalGroupQueryAssociatedPortals).on(id);
        let fut = g.QueryAssociatedPortals();
        let (_, v) = self.invoke(ask, fut, count("portals")).await;
        release_all(v);
    }

    async fn delete_group(&mut self, step: usize, group: &str, bind: &str) {
        let (g, id) = need!(self, step, group, group, "portal group");
        let ask = Ask::new(step, Method::PortalGroupDelete).on(id);
        self.start(ask, g.Delete(), bind).await;
    }

    async fn portal_properties(&self, step: usize, portal: &str) {
        let (p, id) = need!(self, step, portal, portal, "portal");
        let ask = Ask::new(step, Method::PortalGetProperties).on(id);
        let fut = p.GetProperties();
        self.invoke(ask, fut, |p| format!("{} {}", p.address, p.status.name()))
            .await;
    }

    async fn portal_sub_system(&self, step: usize, portal: &str) {
        let (p, id) = need!(self, step, portal, portal, "portal");
        let ask = Ask::new(step, Method::PortalGetSubSystem).on(id);
        let (_, sub) = self
            .invoke(ask, p.GetSubSystem(), |s| format!("{s:?}"))
            .await;
        sub.into_iter().for_each(ComPtr::release);
    }

    async fn portal_groups(&self, step: usize, portal: &str) {
        let (p, id) = need!(self, step, portal, portal, "portal");
        let ask = Ask::new(step, Method::PortalQueryAssociatedPortalGroups).on(id);
        let fut = p.QueryAssociatedPortalGroups();
        let (_, v) = self.invoke(ask, fut, count("groups")).await;
        release_all(v);
    }

    async fn set_portal_status(&self, step: usize, portal: &str, status: VDS_ISCSI_PORTAL_STATUS) {
        let (p, id) = need!(self, step, portal, portal, "portal");
        let ask = Ask::new(step, Method::PortalSetStatus).on(id);
        self.invoke(ask.args(status.name()), p.SetStatus(status), nothing)
            .await;
    }

    async fn create_target(
        &mut self,
        step: usize,
        iscsi_name: Option<&str>,
        friendly_name: &str,
        bind: &str,
    ) {
        let (sub, id) = need!(self, step, subsystem_named, "subsystem", "subsystem");
        let args = format!("iscsi_name={iscsi_name:?} friendly_name={friendly_name:?}");
        let ask = Ask::new(step, Method::SubSystemCreateTarget).on(id);
        let fut = sub.CreateTarget(iscsi_name, friendly_name);
        self.start(ask.args(args), fut, bind).await;
    }

    /// Binds the groups as `PREFIX.0`, `PREFIX.1`, ..., or releases them.
    async fn query_portal_groups(&mut self, step: usize, target: &str, bind: Option<&str>) {
        let (t, id) = need!(self, step, target, target, "target");
        let ask = Ask::new(step, Method::TargetQueryPortalGroups).on(id);
        let (_, v) = self
            .invoke(ask, t.QueryPortalGroups(), count("groups"))
            .await;
        for (i, g) in v.unwrap_or_default().into_iter().enumerate() {
            match bind {
                Some(prefix) => self.bind(&format!("{prefix}.{i}"), Binding::Group(g)),
                None => g.release(),
            }
        }
    }

    /// A secret, none, or (`null_secret_with_size`) a NULL one with a size.
    async fn set_shared_secret(
        &self,
        step: usize,
        target: &str,
        (secret, null_secret_with_size): (Option<&str>, Option<u32>),
        initiator: Option<&str>,
    ) {
        let (t, id) = need!(self, step, target, target, "target");
        let (s, args) = match (secret, null_secret_with_size) {
            (_, Some(size)) => (
                Some(VDS_ISCSI_SHARED_SECRET {
                    pSharedSecret: None,
                    ulSharedSecretSize: size,
                }),
                format!("secret=NULL size={size} initiator={initiator:?}"),
            ),
            (Some(s), None) => (
                Some(VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec())),
                format!("secret=set initiator={initiator:?}"),
            ),
            (None, None) => (None, format!("secret=NULL initiator={initiator:?}")),
        };
        let ask = Ask::new(step, Method::TargetSetSharedSecret).on(id);
        let fut = t.SetSharedSecret(s.as_ref(), initiator);
        self.invoke(ask.args(args), fut, nothing).await;
    }

    async fn remember_secret(
        &self,
        step: usize,
        target: &str,
        initiator: Option<&str>,
        secret: Option<&str>,
    ) {
        let (t, id) = need!(self, step, target, target, "target");
        let s = secret.map(|s| VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec()));
        let ask = Ask::new(step, Method::TargetRememberInitiatorSharedSecret).on(id);
        let fut = t.RememberInitiatorSharedSecret(initiator, s.as_ref());
        self.invoke(ask.args(format!("initiator={initiator:?}")), fut, nothing)
            .await;
    }

    /// Binds the target as `bind`, or releases it.
    async fn get_target(&mut self, step: usize, group: &str, bind: Option<&str>) {
        let (g, id) = need!(self, step, group, group, "portal group");
        let ask = Ask::new(step, Method::PortalGroupGetTarget).on(id);
        let (_, t) = self.invoke(ask, g.GetTarget(), |t| format!("{t:?}")).await;
        match (t, bind) {
            (Some(t), Some(name)) => self.bind(name, Binding::Target(t)),
            (Some(t), None) => t.release(),
            _ => {}
        }
    }

    /// AddPortal or RemovePortal of the portal at an address.
    async fn portal_op(
        &mut self,
        step: usize,
        method: Method,
        group: &str,
        portal: &str,
        bind: &str,
    ) {
        let (g, id) = need!(self, step, group, group, "portal group");
        let pid = self.portal_id(portal);
        let ask = Ask::new(step, method)
            .on(id)
            .args(format!("portal={portal} {pid}"));
        let fut = if method == Method::PortalGroupAddPortal {
            g.AddPortal(pid)
        } else {
            g.RemovePortal(pid)
        };
        self.start(ask, fut, bind).await;
    }
}
