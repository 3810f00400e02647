//! One program step: the call it makes and what is kept of its result.
//! [`Client::exec`] sends each step to the helper for the interface it calls.

use super::*;

/// The pointer a step names, or the step is skipped (and the helper returns).
macro_rules! need {
    ($self:ident, $step:ident, $getter:ident, $name:expr, $what:literal) => {
        match $self.$getter($name) {
            Some(p) => p,
            None => {
                $self.skip($step, format!("no {} named `{}` is held", $what, $name));
                return;
            }
        }
    };
}

impl Client {
    pub(super) async fn exec(&mut self, step: usize, s: &Step) {
        match s {
            Step::Sleep { .. } | Step::Leak { .. } | Step::Release { .. } => {
                self.local(step, s).await
            }
            Step::Reenumerate | Step::Refresh => self.hw_provider_step(step, s).await,
            Step::QueryTargets | Step::QueryPortals | Step::CreateTarget { .. } => {
                self.sub_system_step(step, s).await
            }
            Step::CreatePortalGroup { .. }
            | Step::DeleteTarget { .. }
            | Step::GetTargetProperties { .. }
            | Step::GetSubSystem { .. }
            | Step::QueryPortalGroups { .. }
            | Step::QueryAssociatedLuns { .. }
            | Step::SetFriendlyName { .. }
            | Step::SetSharedSecret { .. }
            | Step::RememberInitiatorSharedSecret { .. }
            | Step::GetConnectedInitiators { .. } => self.target_step(step, s).await,
            Step::GetPortalGroupProperties { .. }
            | Step::GetTarget { .. }
            | Step::QueryAssociatedPortals { .. }
            | Step::AddPortal { .. }
            | Step::RemovePortal { .. }
            | Step::DeletePortalGroup { .. } => self.portal_group_step(step, s).await,
            Step::GetPortalProperties { .. }
            | Step::GetPortalSubSystem { .. }
            | Step::QueryAssociatedPortalGroups { .. }
            | Step::SetPortalStatus { .. } => self.portal_step(step, s).await,
            Step::QueryStatus { .. } | Step::Cancel { .. } | Step::Wait { .. } => {
                self.async_step(step, s).await
            }
        }
    }

    /// Steps that make no call: pauses and what the client does with its own pointers.
    async fn local(&mut self, step: usize, s: &Step) {
        match s {
            Step::Sleep { ms } => runtime::sleep(std::time::Duration::from_millis(*ms)).await,
            Step::Leak { name } => match self.env.remove(name) {
                Some(b) => b.leak(),
                None => self.skip(step, format!("nothing named `{name}` is held")),
            },
            Step::Release { name } => match self.env.remove(name) {
                Some(b) => b.release(),
                None => self.skip(step, format!("nothing named `{name}` is held")),
            },
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsHwProvider`.
    async fn hw_provider_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::Reenumerate => {
                let fut = self.root.Reenumerate();
                self.invoke(
                    step,
                    Method::HwProviderReenumerate,
                    None,
                    String::new(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::Refresh => {
                let fut = self.root.Refresh();
                self.invoke(
                    step,
                    Method::HwProviderRefresh,
                    None,
                    String::new(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsSubSystemIscsi`.
    async fn sub_system_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::QueryTargets => {
                let sub = need!(self, step, subsystem_named, "subsystem", "subsystem");
                let (id, fut) = (sub.object_id(), sub.QueryTargets());
                let (_, v) = self
                    .invoke(
                        step,
                        Method::SubSystemQueryTargets,
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} targets", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::QueryPortals => {
                let sub = need!(self, step, subsystem_named, "subsystem", "subsystem");
                let (id, fut) = (sub.object_id(), sub.QueryPortals());
                let (_, v) = self
                    .invoke(
                        step,
                        Method::SubSystemQueryPortals,
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} portals", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::CreateTarget {
                iscsi_name,
                friendly_name,
                bind,
            } => {
                let sub = need!(self, step, subsystem_named, "subsystem", "subsystem");
                let args = format!("iscsi_name={iscsi_name:?} friendly_name={friendly_name:?}");
                let fut = sub.CreateTarget(iscsi_name.as_deref(), friendly_name);
                let started = self
                    .start_op(
                        step,
                        Method::SubSystemCreateTarget,
                        sub.object_id(),
                        args,
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsIscsiTarget`.
    async fn target_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::CreatePortalGroup { .. } | Step::DeleteTarget { .. } => {
                self.target_op_step(step, s).await
            }
            Step::GetSubSystem { .. } | Step::QueryPortalGroups { .. } => {
                self.target_objects_step(step, s).await
            }
            Step::SetSharedSecret { .. } | Step::RememberInitiatorSharedSecret { .. } => {
                self.target_secret_step(step, s).await
            }
            _ => self.target_plain_step(step, s).await,
        }
    }

    /// `IVdsIscsiTarget` calls that start an async operation.
    async fn target_op_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::CreatePortalGroup { target, bind } => {
                let t = need!(self, step, target, target, "target");
                let fut = t.CreatePortalGroup();
                let started = self
                    .start_op(
                        step,
                        Method::TargetCreatePortalGroup,
                        t.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            Step::DeleteTarget { target, bind } => {
                let t = need!(self, step, target, target, "target");
                let fut = t.Delete();
                let started = self
                    .start_op(
                        step,
                        Method::TargetDelete,
                        t.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// `IVdsIscsiTarget` calls that return interface pointers, bound or released.
    async fn target_objects_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::GetSubSystem { target } => {
                let t = need!(self, step, target, target, "target");
                let (id, fut) = (t.object_id(), t.GetSubSystem());
                let (_, sub) = self
                    .invoke(
                        step,
                        Method::TargetGetSubSystem,
                        id,
                        String::new(),
                        fut,
                        |s| format!("{s:?}"),
                    )
                    .await;
                sub.into_iter().for_each(ComPtr::release);
            }
            Step::QueryPortalGroups { target, bind } => {
                let t = need!(self, step, target, target, "target");
                let fut = t.QueryPortalGroups();
                let (_, v) = self
                    .invoke(
                        step,
                        Method::TargetQueryPortalGroups,
                        t.object_id(),
                        String::new(),
                        fut,
                        |v| format!("{} groups", v.len()),
                    )
                    .await;
                for (i, g) in v.unwrap_or_default().into_iter().enumerate() {
                    match bind {
                        Some(prefix) => self.bind(&format!("{prefix}.{i}"), Binding::Group(g)),
                        None => g.release(),
                    }
                }
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// `IVdsIscsiTarget` CHAP secret calls.
    async fn target_secret_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::SetSharedSecret {
                target,
                secret,
                null_secret_with_size,
                initiator,
            } => {
                let t = need!(self, step, target, target, "target");
                let s = match (secret, null_secret_with_size) {
                    (_, Some(size)) => Some(VDS_ISCSI_SHARED_SECRET {
                        pSharedSecret: None,
                        ulSharedSecretSize: *size,
                    }),
                    (Some(s), None) => Some(VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec())),
                    (None, None) => None,
                };
                let args = match (&s, null_secret_with_size) {
                    (_, Some(size)) => format!("secret=NULL size={size} initiator={initiator:?}"),
                    (Some(_), None) => format!("secret=set initiator={initiator:?}"),
                    (None, None) => format!("secret=NULL initiator={initiator:?}"),
                };
                let (id, fut) = (
                    t.object_id(),
                    t.SetSharedSecret(s.as_ref(), initiator.as_deref()),
                );
                self.invoke(step, Method::TargetSetSharedSecret, id, args, fut, |_| {
                    String::new()
                })
                .await;
            }
            Step::RememberInitiatorSharedSecret {
                target,
                initiator,
                secret,
            } => {
                let t = need!(self, step, target, target, "target");
                let s = secret
                    .as_ref()
                    .map(|s| VDS_ISCSI_SHARED_SECRET::new(s.as_bytes().to_vec()));
                let args = format!("initiator={initiator:?}");
                let (id, fut) = (
                    t.object_id(),
                    t.RememberInitiatorSharedSecret(initiator.as_deref(), s.as_ref()),
                );
                self.invoke(
                    step,
                    Method::TargetRememberInitiatorSharedSecret,
                    id,
                    args,
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// The other `IVdsIscsiTarget` calls: properties, names, LUNs and initiators.
    async fn target_plain_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::GetTargetProperties { target } => {
                let t = need!(self, step, target, target, "target");
                let (id, fut) = (t.object_id(), t.GetProperties());
                let render = |p: &_| serde_json::to_string(p).unwrap_or_default();
                self.invoke(
                    step,
                    Method::TargetGetProperties,
                    id,
                    String::new(),
                    fut,
                    render,
                )
                .await;
            }
            Step::QueryAssociatedLuns { target } => {
                let t = need!(self, step, target, target, "target");
                let (id, fut) = (t.object_id(), t.QueryAssociatedLuns());
                self.invoke(
                    step,
                    Method::TargetQueryAssociatedLuns,
                    id,
                    String::new(),
                    fut,
                    |v| format!("{} luns", v.len()),
                )
                .await;
            }
            Step::SetFriendlyName { target, name } => {
                let t = need!(self, step, target, target, "target");
                let (id, fut) = (t.object_id(), t.SetFriendlyName(name));
                self.invoke(
                    step,
                    Method::TargetSetFriendlyName,
                    id,
                    format!("{name:?}"),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            Step::GetConnectedInitiators { target } => {
                let t = need!(self, step, target, target, "target");
                let (id, fut) = (t.object_id(), t.GetConnectedInitiators());
                self.invoke(
                    step,
                    Method::TargetGetConnectedInitiators,
                    id,
                    String::new(),
                    fut,
                    |v| v.join(","),
                )
                .await;
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsIscsiPortalGroup`.
    async fn portal_group_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::GetPortalGroupProperties { group } => {
                let g = need!(self, step, group, group, "portal group");
                let (id, fut) = (g.object_id(), g.GetProperties());
                self.invoke(
                    step,
                    Method::PortalGroupGetProperties,
                    id,
                    String::new(),
                    fut,
                    |p| format!("tag={}", p.tag),
                )
                .await;
            }
            Step::GetTarget { group, bind } => {
                let g = need!(self, step, group, group, "portal group");
                let fut = g.GetTarget();
                let (_, t) = self
                    .invoke(
                        step,
                        Method::PortalGroupGetTarget,
                        g.object_id(),
                        String::new(),
                        fut,
                        |t| format!("{t:?}"),
                    )
                    .await;
                match (t, bind) {
                    (Some(t), Some(name)) => self.bind(name, Binding::Target(t)),
                    (Some(t), None) => t.release(),
                    _ => {}
                }
            }
            Step::QueryAssociatedPortals { group } => {
                let g = need!(self, step, group, group, "portal group");
                let (id, fut) = (g.object_id(), g.QueryAssociatedPortals());
                let (_, v) = self
                    .invoke(
                        step,
                        Method::PortalGroupQueryAssociatedPortals,
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} portals", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::AddPortal {
                group,
                portal,
                bind,
            }
            | Step::RemovePortal {
                group,
                portal,
                bind,
            } => {
                let g = need!(self, step, group, group, "portal group");
                // An unknown address stands for a portal id nobody has (the OBJECT_NOT_FOUND case).
                let pid = self
                    .portals
                    .get(portal)
                    .copied()
                    .unwrap_or(VDS_OBJECT_ID::from_u128(0xdead));
                let args = format!("portal={portal} {pid}");
                let (method, fut) = if matches!(s, Step::AddPortal { .. }) {
                    (Method::PortalGroupAddPortal, g.AddPortal(pid))
                } else {
                    (Method::PortalGroupRemovePortal, g.RemovePortal(pid))
                };
                let started = self.start_op(step, method, g.object_id(), args, fut).await;
                self.keep_op(bind, started);
            }
            Step::DeletePortalGroup { group, bind } => {
                let g = need!(self, step, group, group, "portal group");
                let fut = g.Delete();
                let started = self
                    .start_op(
                        step,
                        Method::PortalGroupDelete,
                        g.object_id(),
                        String::new(),
                        fut,
                    )
                    .await;
                self.keep_op(bind, started);
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsIscsiPortal`.
    async fn portal_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::GetPortalProperties { portal } => {
                let p = need!(self, step, portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.GetProperties());
                self.invoke(
                    step,
                    Method::PortalGetProperties,
                    id,
                    String::new(),
                    fut,
                    |p| format!("{} {}", p.address, p.status.name()),
                )
                .await;
            }
            Step::GetPortalSubSystem { portal } => {
                let p = need!(self, step, portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.GetSubSystem());
                let (_, sub) = self
                    .invoke(
                        step,
                        Method::PortalGetSubSystem,
                        id,
                        String::new(),
                        fut,
                        |s| format!("{s:?}"),
                    )
                    .await;
                sub.into_iter().for_each(ComPtr::release);
            }
            Step::QueryAssociatedPortalGroups { portal } => {
                let p = need!(self, step, portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.QueryAssociatedPortalGroups());
                let (_, v) = self
                    .invoke(
                        step,
                        Method::PortalQueryAssociatedPortalGroups,
                        id,
                        String::new(),
                        fut,
                        |v| format!("{} groups", v.len()),
                    )
                    .await;
                v.into_iter().flatten().for_each(ComPtr::release);
            }
            Step::SetPortalStatus { portal, status } => {
                let p = need!(self, step, portal, portal, "portal");
                let (id, fut) = (p.object_id(), p.SetStatus(*status));
                self.invoke(
                    step,
                    Method::PortalSetStatus,
                    id,
                    status.name().to_string(),
                    fut,
                    |_| String::new(),
                )
                .await;
            }
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }

    /// Calls on `IVdsAsync`.
    async fn async_step(&mut self, step: usize, s: &Step) {
        match s {
            Step::QueryStatus { op } => {
                let a = need!(self, step, op, op, "async object");
                let (hr, st) = self
                    .call(
                        step,
                        Method::AsyncQueryStatus,
                        None,
                        op.clone(),
                        a.QueryStatus(),
                    )
                    .await;
                let extra = Extra {
                    hr_result: st.map(|s| s.hr_result),
                    percent: st.map(|s| s.percent_completed),
                    origin: self.origins.get(op).cloned(),
                    ..Extra::default()
                };
                self.end(step, Method::AsyncQueryStatus, None, hr, extra);
            }
            Step::Cancel { op } => {
                let a = need!(self, step, op, op, "async object");
                let (hr, _) = self
                    .call(step, Method::AsyncCancel, None, op.clone(), a.Cancel())
                    .await;
                let origin = self.origins.get(op).cloned();
                self.end(
                    step,
                    Method::AsyncCancel,
                    None,
                    hr,
                    Extra {
                        origin,
                        ..Extra::default()
                    },
                );
            }
            Step::Wait { op, bind } => self.wait_step(step, op, bind.as_deref()).await,
            _ => unreachable!("exec sends only this interface's steps here"),
        }
    }
}
