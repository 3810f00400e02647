//! What a step and a fault may say: the sim's call names and fault kinds,
//! each with its fields and their types. The names are the sim's own
//! ([`vds_sim::program::Step`], [`vds_sim::faults::Fault`]); a unit test
//! checks the tables against those types so they cannot drift apart.

/// The type of a field's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ty {
    /// Text.
    Str,
    /// A whole number from the first to the second bound.
    Int(u64, u64),
    /// A number from 0 to 1.
    Prob,
    /// A `VDS_ISCSI_PORTAL_STATUS` name.
    PortalStatus,
}

impl Ty {
    /// What a value of this type looks like, for error messages.
    pub(crate) fn describe(self) -> String {
        match self {
            Ty::Str => "a string".into(),
            Ty::Int(lo, hi) => super::values::range_text(lo, hi),
            Ty::Prob => "a number from 0 to 1".into(),
            Ty::PortalStatus => {
                "a VDS_ISCSI_PORTAL_STATUS name (VDS_IPS_UNKNOWN, VDS_IPS_ONLINE, VDS_IPS_NOT_READY, VDS_IPS_OFFLINE, VDS_IPS_FAILED)".into()
            }
        }
    }
}

/// One field of a call or a fault.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Field {
    /// Its name in YAML.
    pub name: &'static str,
    /// Its type.
    pub ty: Ty,
    /// Whether it must be given.
    pub required: bool,
}

use super::limits::{MAX_CONCURRENT_CLIENTS, MAX_LATENCY_MS, MAX_SLOW_FACTOR, MAX_TIME_MS};

/// A simulated time span in ms, up to [`MAX_TIME_MS`].
const TIME_MS: Ty = Ty::Int(0, MAX_TIME_MS);
/// A 16-bit whole number.
const U16: Ty = Ty::Int(0, u16::MAX as u64);

const fn req(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: true,
    }
}

const fn opt(name: &'static str, ty: Ty) -> Field {
    Field {
        name,
        ty,
        required: false,
    }
}

/// A call a step can make (a variant of [`vds_sim::program::Step`]).
#[derive(Debug)]
pub(crate) struct CallSpec {
    /// The name after `call:`.
    pub name: &'static str,
    /// Its fields.
    pub fields: &'static [Field],
    /// Whether it may carry `expect` (it makes a VDS call that is recorded).
    pub expect: bool,
    /// Whether it may carry `expect_result` (it reports a `pHrResult`).
    pub expect_result: bool,
}

const fn call(name: &'static str, fields: &'static [Field]) -> CallSpec {
    CallSpec {
        name,
        fields,
        expect: true,
        expect_result: false,
    }
}

const TARGET: Field = req("target", Ty::Str);
const PORTAL: Field = req("portal", Ty::Str);
const GROUP: Field = req("group", Ty::Str);
const AS_OP: Field = opt("as", Ty::Str);
const OP: Field = opt("op", Ty::Str);

/// Every call, in the order of [`vds_sim::program::Step`].
pub(crate) const CALLS: &[CallSpec] = &[
    call("Reenumerate", &[]),
    call("Refresh", &[]),
    call("QueryTargets", &[]),
    call("QueryPortals", &[]),
    call(
        "CreateTarget",
        &[
            opt("iscsi_name", Ty::Str),
            req("friendly_name", Ty::Str),
            AS_OP,
        ],
    ),
    call("CreatePortalGroup", &[TARGET, AS_OP]),
    call("DeleteTarget", &[TARGET, AS_OP]),
    call("GetTargetProperties", &[TARGET]),
    call("QueryPortalGroups", &[TARGET, AS_OP]),
    call("QueryAssociatedLuns", &[TARGET]),
    call("SetFriendlyName", &[TARGET, req("name", Ty::Str)]),
    call(
        "SetSharedSecret",
        &[
            TARGET,
            opt("secret", Ty::Str),
            opt("null_secret_with_size", Ty::Int(0, u32::MAX as u64)),
            opt("initiator", Ty::Str),
        ],
    ),
    call(
        "RememberInitiatorSharedSecret",
        &[TARGET, opt("initiator", Ty::Str), opt("secret", Ty::Str)],
    ),
    call("GetConnectedInitiators", &[TARGET]),
    call("GetSubSystem", &[TARGET]),
    call("GetPortalGroupProperties", &[GROUP]),
    call("GetTarget", &[GROUP, AS_OP]),
    call("QueryAssociatedPortals", &[GROUP]),
    call("AddPortal", &[GROUP, req("portal", Ty::Str), AS_OP]),
    call("RemovePortal", &[GROUP, req("portal", Ty::Str), AS_OP]),
    call("DeletePortalGroup", &[GROUP, AS_OP]),
    call("GetPortalProperties", &[PORTAL]),
    call("GetPortalSubSystem", &[PORTAL]),
    call("QueryAssociatedPortalGroups", &[PORTAL]),
    call(
        "SetPortalStatus",
        &[PORTAL, req("status", Ty::PortalStatus)],
    ),
    CallSpec {
        name: "Wait",
        fields: &[OP, AS_OP],
        expect: true,
        expect_result: true,
    },
    CallSpec {
        name: "QueryStatus",
        fields: &[OP],
        expect: true,
        expect_result: true,
    },
    call("Cancel", &[OP]),
    CallSpec {
        name: "Release",
        fields: &[req("name", Ty::Str)],
        expect: false,
        expect_result: false,
    },
    CallSpec {
        name: "Leak",
        fields: &[req("name", Ty::Str)],
        expect: false,
        expect_result: false,
    },
    CallSpec {
        name: "Sleep",
        fields: &[req("ms", TIME_MS)],
        expect: false,
        expect_result: false,
    },
];

/// A fault kind (a variant of [`vds_sim::faults::Fault`]) and its fields,
/// all required.
#[derive(Debug)]
pub(crate) struct KindSpec {
    /// The name after `kind:`.
    pub name: &'static str,
    /// Its fields.
    pub fields: &'static [Field],
}

const DURATION: Field = req("duration_ms", TIME_MS);

/// Every fault kind, in the order of [`vds_sim::faults::FaultKind::ALL`].
pub(crate) const KINDS: &[KindSpec] = &[
    KindSpec {
        name: "cache_corruption",
        fields: &[],
    },
    KindSpec {
        name: "delete_target",
        fields: &[TARGET],
    },
    KindSpec {
        name: "delete_portal_group",
        fields: &[TARGET, req("tag", U16)],
    },
    KindSpec {
        name: "create_portal_group",
        fields: &[TARGET],
    },
    KindSpec {
        name: "concurrent_calls",
        fields: &[req("clients", Ty::Int(1, MAX_CONCURRENT_CLIENTS)), TARGET],
    },
    KindSpec {
        name: "allocation_failure",
        fields: &[],
    },
    KindSpec {
        name: "invalid_argument",
        fields: &[],
    },
    KindSpec {
        name: "link_loss",
        fields: &[req("probability", Ty::Prob), DURATION],
    },
    KindSpec {
        name: "link_partition",
        fields: &[DURATION],
    },
    KindSpec {
        name: "link_hold",
        fields: &[DURATION],
    },
    KindSpec {
        name: "link_latency",
        fields: &[req("extra_ms", Ty::Int(0, MAX_LATENCY_MS)), DURATION],
    },
    KindSpec {
        name: "slow_operations",
        fields: &[req("factor", Ty::Int(1, MAX_SLOW_FACTOR)), DURATION],
    },
    KindSpec {
        name: "provider_restart",
        fields: &[],
    },
];

/// The call with this name.
pub(crate) fn call_named(name: &str) -> Option<&'static CallSpec> {
    CALLS.iter().find(|c| c.name == name)
}

/// The fault kind with this name.
pub(crate) fn kind_named(name: &str) -> Option<&'static KindSpec> {
    KINDS.iter().find(|k| k.name == name)
}

/// `` `a`, `b`, `c` `` for a list of names.
pub(crate) fn list<'a>(names: impl IntoIterator<Item = &'a str>) -> String {
    let v: Vec<String> = names.into_iter().map(|n| format!("`{n}`")).collect();
    if v.is_empty() {
        "nothing".to_string()
    } else {
        v.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vds_sim::faults::Fault;
    use vds_sim::program::Step;

    fn sample(ty: Ty) -> serde_yaml::Value {
        match ty {
            Ty::Str => serde_yaml::Value::from("x"),
            Ty::Int(lo, hi) => serde_yaml::Value::from(lo.max(1).min(hi)),
            Ty::Prob => serde_yaml::Value::from(0.5f64),
            Ty::PortalStatus => serde_yaml::Value::from("VDS_IPS_ONLINE"),
        }
    }

    fn build(tag: &str, name: &str, fields: &[Field], only_required: bool) -> serde_yaml::Value {
        let mut m = serde_yaml::Mapping::new();
        m.insert(tag.into(), name.into());
        for f in fields.iter().filter(|f| f.required || !only_required) {
            m.insert(f.name.into(), sample(f.ty));
        }
        serde_yaml::Value::Mapping(m)
    }

    #[test]
    fn every_call_matches_the_sims_step() {
        for c in CALLS {
            let full = build("call", c.name, c.fields, false);
            serde_yaml::from_value::<Step>(full).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            let min = build("call", c.name, c.fields, true);
            let step =
                serde_yaml::from_value::<Step>(min).unwrap_or_else(|e| panic!("{}: {e}", c.name));
            assert_eq!(
                step.is_call(),
                c.expect || c.name == "Release",
                "{}",
                c.name
            );
            for f in c.fields.iter().filter(|f| f.required) {
                let mut v = build("call", c.name, c.fields, false);
                v.as_mapping_mut().unwrap().remove(f.name);
                assert!(
                    serde_yaml::from_value::<Step>(v).is_err(),
                    "{}.{} is required",
                    c.name,
                    f.name
                );
            }
            if c.fields.is_empty() {
                // serde lets unit variants of a tagged enum ignore extra
                // fields; the scenario reader is stricter than the sim here.
                continue;
            }
            let mut extra = build("call", c.name, c.fields, false);
            extra
                .as_mapping_mut()
                .unwrap()
                .insert("zz_not_a_field".into(), 1.into());
            assert!(serde_yaml::from_value::<Step>(extra).is_err(), "{}", c.name);
        }
        let bad = build("call", "NoSuchCall", &[], false);
        let msg = serde_yaml::from_value::<Step>(bad).unwrap_err().to_string();
        for c in CALLS {
            assert!(msg.contains(&format!("`{}`", c.name)), "{msg}");
        }
        assert_eq!(msg.matches('`').count(), 2 * (CALLS.len() + 1), "{msg}");
    }

    #[test]
    fn every_kind_matches_the_sims_fault() {
        let names: Vec<&str> = KINDS.iter().map(|k| k.name).collect();
        let sims: Vec<&str> = vds_sim::faults::FaultKind::ALL
            .iter()
            .map(|k| k.name())
            .collect();
        assert_eq!(names, sims);
        for k in KINDS {
            let v = build("kind", k.name, k.fields, false);
            let fault: Fault =
                serde_yaml::from_value(v).unwrap_or_else(|e| panic!("{}: {e}", k.name));
            assert_eq!(fault.kind().name(), k.name);
            for f in k.fields {
                let mut v = build("kind", k.name, k.fields, false);
                v.as_mapping_mut().unwrap().remove(f.name);
                assert!(serde_yaml::from_value::<Fault>(v).is_err());
            }
        }
    }
}
