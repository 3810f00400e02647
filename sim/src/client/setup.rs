//! Set-up (finding the subsystem, targets and portals) and the final release.

use super::*;

impl Client {
    /// Set-up (step 0): find the subsystem, name the targets by friendly
    /// name and learn the portals' ids by address.
    pub(super) async fn setup(&mut self) {
        let (hr, subsystems) = self
            .call(
                0,
                Method::HwProviderQuerySubSystems,
                None,
                String::new(),
                self.root.QuerySubSystems(),
            )
            .await;
        self.end(
            0,
            Method::HwProviderQuerySubSystems,
            None,
            hr,
            Extra::default(),
        );
        let mut subsystems = subsystems.unwrap_or_default().into_iter();
        if let Some(s) = subsystems.next() {
            self.bind("subsystem", Binding::SubSystem(s));
        }
        subsystems.for_each(ComPtr::release);
        let Some(sub) = self.subsystem() else {
            return;
        };
        let (hr, targets) = self
            .call(
                0,
                Method::SubSystemQueryTargets,
                sub.object_id(),
                String::new(),
                sub.QueryTargets(),
            )
            .await;
        self.end(
            0,
            Method::SubSystemQueryTargets,
            sub.object_id(),
            hr,
            Extra::default(),
        );
        let (hr, portals) = self
            .call(
                0,
                Method::SubSystemQueryPortals,
                sub.object_id(),
                String::new(),
                sub.QueryPortals(),
            )
            .await;
        self.end(
            0,
            Method::SubSystemQueryPortals,
            sub.object_id(),
            hr,
            Extra::default(),
        );
        for t in targets.unwrap_or_default() {
            let (hr, props) = self
                .call(
                    0,
                    Method::TargetGetProperties,
                    t.object_id(),
                    String::new(),
                    t.GetProperties(),
                )
                .await;
            let out = props
                .as_ref()
                .map(|p| p.pwszFriendlyName.clone())
                .unwrap_or_default();
            self.end(
                0,
                Method::TargetGetProperties,
                t.object_id(),
                hr,
                Extra {
                    out: out.clone(),
                    ..Extra::default()
                },
            );
            match props {
                Some(_) if !out.is_empty() && !self.env.contains_key(&out) => {
                    self.bind(&out, Binding::Target(t))
                }
                _ => t.release(),
            }
        }
        for p in portals.unwrap_or_default() {
            let (hr, props) = self
                .call(
                    0,
                    Method::PortalGetProperties,
                    p.object_id(),
                    String::new(),
                    p.GetProperties(),
                )
                .await;
            let out = props
                .as_ref()
                .map(|p| p.address.to_string())
                .unwrap_or_default();
            self.end(
                0,
                Method::PortalGetProperties,
                p.object_id(),
                hr,
                Extra {
                    out: out.clone(),
                    ..Extra::default()
                },
            );
            if let Some(props) = props {
                self.portals.insert(out.clone(), props.id);
                if !self.env.contains_key(&out) {
                    self.bind(&out, Binding::Portal(p));
                    continue;
                }
            }
            p.release();
        }
    }

    /// Releases everything still held, as a correct caller does at the end.
    pub(super) fn finish(mut self) {
        for (_, b) in std::mem::take(&mut self.env) {
            b.release();
        }
        self.root.release();
    }
}
