//! The file's shape, as serde reads it. Every mapping rejects fields it does
//! not know. Steps and faults are read by hand against [`super::tables`], so
//! that a field the call or kind does not take is reported at its own key.

use std::fmt;

use serde::Deserialize;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};
use vds_sim::faults::{Fault, FaultKind};
use vds_sim::hresult::HResult;
use vds_sim::program::Step;
use vds_sim::runtime::EngineKind;

use super::limits::{MAX_BEFORE_CALL, MAX_GROUP_LIMIT, MAX_LATENCY_MS, MAX_SEEDS, MAX_TIME_MS};
use super::tables::{self, CallSpec, Field, KindSpec};
use super::values::{Bounded, CallName, Codes, KindName, Portal, Probability, Typed};

/// The whole file.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a scenario: a mapping with `name`, `clients` and optional fields"
)]
pub(crate) struct RawScenario {
    pub name: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub engine: EngineChoice,
    #[serde(default)]
    pub seeds: RawSeeds,
    #[serde(default = "default_time_limit")]
    pub time_limit_ms: Bounded<1, MAX_TIME_MS>,
    #[serde(default)]
    pub latency_ms: RawLatency,
    #[serde(default)]
    pub array: RawArray,
    #[serde(default)]
    pub faults: Vec<RawFaultRule>,
    pub clients: Vec<RawClient>,
}

/// The sim's own hang limit, so that a scenario without one behaves like a bare world.
fn default_time_limit() -> Bounded<1, MAX_TIME_MS> {
    Bounded(vds_sim::world::WorldConfig::new(0).time_limit.as_millis() as u64)
}

/// `engine: madsim | turmoil | both`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum EngineChoice {
    Madsim,
    Turmoil,
    #[default]
    Both,
}

impl EngineChoice {
    pub fn engines(self) -> Vec<EngineKind> {
        match self {
            EngineChoice::Madsim => vec![EngineKind::Madsim],
            EngineChoice::Turmoil => vec![EngineKind::Turmoil],
            EngineChoice::Both => EngineKind::ALL.to_vec(),
        }
    }
}

/// `seeds: {start, count}`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the seeds: a mapping such as {start: 0, count: 5}"
)]
pub(crate) struct RawSeeds {
    #[serde(default = "zero")]
    pub start: Bounded<0, { u64::MAX }>,
    #[serde(default = "one")]
    pub count: Bounded<1, MAX_SEEDS>,
}

fn zero() -> Bounded<0, { u64::MAX }> {
    Bounded(0)
}

fn one() -> Bounded<1, MAX_SEEDS> {
    Bounded(1)
}

impl Default for RawSeeds {
    fn default() -> Self {
        Self {
            start: zero(),
            count: one(),
        }
    }
}

/// A time in ms of at most [`MAX_LATENCY_MS`].
pub(crate) type Latency = Bounded<0, MAX_LATENCY_MS>;

/// `latency_ms: {min, max}`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the latency range: a mapping such as {min: 1, max: 5}"
)]
pub(crate) struct RawLatency {
    #[serde(default = "latency_min")]
    pub min: Latency,
    #[serde(default = "latency_max")]
    pub max: Latency,
}

fn latency_min() -> Latency {
    Bounded(1)
}
fn latency_max() -> Latency {
    Bounded(5)
}

impl Default for RawLatency {
    fn default() -> Self {
        Self {
            min: latency_min(),
            max: latency_max(),
        }
    }
}

/// `array:`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "the array: a mapping with `targets`, `portals` and optional settings"
)]
pub(crate) struct RawArray {
    /// At least 1: at a limit of 0 a target has no group to hand back,
    /// so VDS_S_ALREADY_EXISTS could not keep its rule (found by fuzzing).
    #[serde(default = "group_limit")]
    pub group_limit: Bounded<1, MAX_GROUP_LIMIT>,
    #[serde(default = "op_time")]
    pub op_time_ms: Latency,
    #[serde(default = "op_jitter")]
    pub op_jitter_ms: Latency,
    #[serde(default)]
    pub targets: Vec<RawTarget>,
    #[serde(default)]
    pub portals: Vec<Portal>,
}

fn group_limit() -> Bounded<1, MAX_GROUP_LIMIT> {
    Bounded(4)
}
fn op_time() -> Latency {
    Bounded(20)
}
fn op_jitter() -> Latency {
    Bounded(10)
}

impl Default for RawArray {
    fn default() -> Self {
        Self {
            group_limit: group_limit(),
            op_time_ms: op_time(),
            op_jitter_ms: op_jitter(),
            targets: Vec::new(),
            portals: Vec::new(),
        }
    }
}

/// One of `array.targets`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a target: a mapping such as {name: t1, groups: 0}"
)]
pub(crate) struct RawTarget {
    pub name: String,
    #[serde(default)]
    pub groups: Bounded<0, MAX_GROUP_LIMIT>,
    #[serde(default)]
    pub luns: Bounded<0, { u16::MAX as u64 }>,
    #[serde(default)]
    pub initiators: Vec<String>,
}

/// One of `faults`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a fault rule: a mapping such as {at_ms: 0, fault: {kind: provider_restart}}"
)]
pub(crate) struct RawFaultRule {
    #[serde(default)]
    pub at_ms: Option<Bounded<0, MAX_TIME_MS>>,
    #[serde(default)]
    pub before_call: Option<Bounded<1, MAX_BEFORE_CALL>>,
    #[serde(default)]
    pub probability: Probability,
    pub fault: RawFault,
}

/// One of `clients`.
#[derive(Debug, Deserialize)]
#[serde(
    deny_unknown_fields,
    expecting = "a client: a mapping with `name` and `steps`"
)]
pub(crate) struct RawClient {
    pub name: String,
    pub steps: Vec<RawStep>,
}

/// A step: the sim's [`Step`] plus its expectations.
#[derive(Debug)]
pub(crate) struct RawStep {
    pub call: &'static CallSpec,
    pub step: Step,
    pub expect: Option<Vec<HResult>>,
    pub expect_result: Option<Vec<HResult>>,
}

/// A fault: the sim's [`Fault`].
#[derive(Debug)]
pub(crate) struct RawFault(pub Fault);

fn err<E: de::Error>(what: impl fmt::Display, expected: impl fmt::Display) -> E {
    E::custom(format!("{what}; expected {expected}"))
}

/// Reads one key of a step or fault mapping, rejecting it at its own
/// position when the call or kind (if already known) does not take it.
struct KeySeed<'a> {
    /// The tag key (`call` or `kind`).
    tag: &'static str,
    /// Extra keys allowed besides the tag and the fields.
    extra: &'a [&'static str],
    /// The fields, once the tag has been read.
    fields: Option<(&'static str, &'static [Field])>,
    /// Keys seen so far.
    seen: &'a [String],
    /// What the mapping is, for messages (`step`, `fault`).
    what: &'static str,
}

impl KeySeed<'_> {
    fn allowed(&self) -> String {
        let mut names = vec![self.tag];
        names.extend(self.extra.iter().copied());
        if let Some((_, fields)) = self.fields {
            names.extend(fields.iter().map(|f| f.name));
        }
        tables::list(names)
    }
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = String;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<String, D::Error> {
        d.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed<'_> {
    type Value = String;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        if self.seen.iter().any(|s| s == v) {
            return Err(err(
                format_args!("duplicate field `{v}` in this {}", self.what),
                "each field at most once",
            ));
        }
        if v == self.tag || self.extra.contains(&v) {
            return Ok(v.to_string());
        }
        match self.fields {
            Some((name, fields)) if !fields.iter().any(|f| f.name == v) => Err(err(
                format_args!("unknown field `{v}` for {} `{name}`", self.what),
                format_args!("one of {}", self.allowed()),
            )),
            _ => Ok(v.to_string()),
        }
    }
}

/// Checks keys read before the tag, and that every required field is there.
fn check_fields<E: de::Error>(
    seed: KeySeed<'_>,
    entries: &[(String, Option<serde_yaml::Value>)],
) -> Result<serde_yaml::Mapping, E> {
    let (name, fields) = seed.fields.expect("the tag is known");
    let what = seed.what;
    let mut map = serde_yaml::Mapping::new();
    for (key, value) in entries {
        let Some(field) = fields.iter().find(|f| f.name == key) else {
            return Err(err(
                format_args!("unknown field `{key}` for {what} `{name}`"),
                format_args!("one of {}", seed.allowed()),
            ));
        };
        if let Some(value) = value {
            map.insert(field.name.into(), value.clone());
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !map.contains_key(f.name) {
            return Err(err(
                format_args!("{what} `{name}` is missing field `{}`", f.name),
                format_args!("`{}:` with {}", f.name, f.ty.describe()),
            ));
        }
    }
    Ok(map)
}

/// Reads a value typed by the field if its spec is known, else as any YAML.
fn typed_value<'de, A: MapAccess<'de>>(
    map: &mut A,
    key: &str,
    fields: Option<&'static [Field]>,
) -> Result<Option<serde_yaml::Value>, A::Error> {
    match fields.and_then(|fs| fs.iter().find(|f| f.name == key)) {
        Some(f) => map.next_value_seed(Typed(f.ty)),
        None => map.next_value::<serde_yaml::Value>().map(Some),
    }
}

/// Type-checks a value that was read before its type was known.
fn retype<E: de::Error>(
    entries: &mut [(String, Option<serde_yaml::Value>)],
    fields: &[Field],
    typed: &[bool],
) -> Result<(), E> {
    for ((key, value), done) in entries.iter_mut().zip(typed) {
        if *done {
            continue;
        }
        let Some(f) = fields.iter().find(|f| f.name == key) else {
            continue;
        };
        if let Some(v) = value.take() {
            *value = Typed(f.ty)
                .deserialize(v)
                .map_err(|e| E::custom(format!("field `{key}`: {e}")))?;
        }
    }
    Ok(())
}

const STEP_EXTRA: &[&str] = &["expect", "expect_result"];

/// The expectation keys a call may carry.
fn step_extra(call: &CallSpec) -> &'static [&'static str] {
    match (call.expect, call.expect_result) {
        (true, true) => STEP_EXTRA,
        (true, false) => &STEP_EXTRA[..1],
        _ => &[],
    }
}

impl<'de> Deserialize<'de> for RawStep {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(StepVisitor)
    }
}

struct StepVisitor;

impl<'de> Visitor<'de> for StepVisitor {
    type Value = RawStep;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a step: a mapping such as {call: CreatePortalGroup, target: t1}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawStep, A::Error> {
        let mut call: Option<&'static CallSpec> = None;
        let mut seen: Vec<String> = Vec::new();
        let mut entries: Vec<(String, Option<serde_yaml::Value>)> = Vec::new();
        let mut typed: Vec<bool> = Vec::new();
        let mut expect = None;
        let mut expect_result = None;
        loop {
            let seed = KeySeed {
                tag: "call",
                extra: call.map_or(STEP_EXTRA, step_extra),
                fields: call.map(|c| (c.name, c.fields)),
                seen: &seen,
                what: "step",
            };
            let Some(key) = map.next_key_seed(seed)? else {
                break;
            };
            match key.as_str() {
                "call" => call = Some(map.next_value::<CallName>()?.0),
                "expect" => expect = Some(map.next_value::<Codes>()?.0),
                "expect_result" => expect_result = Some(map.next_value::<Codes>()?.0),
                _ => {
                    let fields = call.map(|c| c.fields);
                    entries.push((key.clone(), typed_value(&mut map, &key, fields)?));
                    typed.push(call.is_some());
                }
            }
            seen.push(key);
        }
        let Some(call) = call else {
            return Err(err(
                "this step has no `call`",
                format_args!(
                    "`call:` with one of {}",
                    tables::list(tables::CALLS.iter().map(|c| c.name))
                ),
            ));
        };
        if expect.is_some() && !call.expect {
            return Err(err(
                format_args!(
                    "`{}` makes no VDS call, so it cannot have `expect`",
                    call.name
                ),
                "no `expect` on Sleep, Leak or Release",
            ));
        }
        if expect_result.is_some() && !call.expect_result {
            return Err(err(
                format_args!("`{}` reports no pHrResult", call.name),
                "`expect_result` only on Wait and QueryStatus",
            ));
        }
        retype::<A::Error>(&mut entries, call.fields, &typed)?;
        let seed = KeySeed {
            tag: "call",
            extra: step_extra(call),
            fields: Some((call.name, call.fields)),
            seen: &[],
            what: "step",
        };
        let mut mapping = check_fields::<A::Error>(seed, &entries)?;
        mapping.insert("call".into(), call.name.into());
        let step = serde_yaml::from_value::<Step>(serde_yaml::Value::Mapping(mapping))
            .map_err(|e| err(format_args!("`{}`: {e}", call.name), "a valid step"))?;
        Ok(RawStep {
            call,
            step,
            expect,
            expect_result,
        })
    }
}

impl<'de> Deserialize<'de> for RawFault {
    fn deserialize<D: de::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_map(FaultVisitor)
    }
}

struct FaultVisitor;

impl<'de> Visitor<'de> for FaultVisitor {
    type Value = RawFault;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fault: a mapping such as {kind: link_partition, duration_ms: 3000}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawFault, A::Error> {
        let mut kind: Option<&'static KindSpec> = None;
        let mut seen: Vec<String> = Vec::new();
        let mut entries: Vec<(String, Option<serde_yaml::Value>)> = Vec::new();
        let mut typed: Vec<bool> = Vec::new();
        loop {
            let seed = KeySeed {
                tag: "kind",
                extra: &[],
                fields: kind.map(|k| (k.name, k.fields)),
                seen: &seen,
                what: "fault",
            };
            let Some(key) = map.next_key_seed(seed)? else {
                break;
            };
            if key == "kind" {
                kind = Some(map.next_value::<KindName>()?.0);
            } else {
                let fields = kind.map(|k| k.fields);
                entries.push((key.clone(), typed_value(&mut map, &key, fields)?));
                typed.push(kind.is_some());
            }
            seen.push(key);
        }
        let Some(kind) = kind else {
            return Err(err(
                "this fault has no `kind`",
                format_args!(
                    "`kind:` with one of {}",
                    tables::list(FaultKind::ALL.iter().map(|k| k.name()))
                ),
            ));
        };
        retype::<A::Error>(&mut entries, kind.fields, &typed)?;
        let seed = KeySeed {
            tag: "kind",
            extra: &[],
            fields: Some((kind.name, kind.fields)),
            seen: &[],
            what: "fault",
        };
        let mut mapping = check_fields::<A::Error>(seed, &entries)?;
        mapping.insert("kind".into(), kind.name.into());
        let fault = serde_yaml::from_value::<Fault>(serde_yaml::Value::Mapping(mapping))
            .map_err(|e| err(format_args!("`{}`: {e}", kind.name), "a valid fault"))?;
        Ok(RawFault(fault))
    }
}
