//! Scalars that check themselves while they are read, so that a bad value is
//! reported at its own line and column (serde_yaml gives an error raised in a
//! visitor the position of the node being read).
//!
//! Every message here has the shape `what was wrong; expected WHAT`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};
use vds_sim::hresult::HResult;

use super::tables::{self, CallSpec, KindSpec, Ty};

fn err<E: de::Error>(what: impl fmt::Display, expected: impl fmt::Display) -> E {
    E::custom(format!("{what}; expected {expected}"))
}

/// A whole number from `LO` to `HI`, refused at its own position otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Bounded<const LO: u64, const HI: u64>(pub u64);

/// The message for a whole number outside `lo..=hi`.
pub(crate) fn range_error<E: de::Error>(v: impl fmt::Display, lo: u64, hi: u64) -> E {
    err(format_args!("{v} is out of range"), range_text(lo, hi))
}

/// `a whole number from LO to HI`.
pub(crate) fn range_text(lo: u64, hi: u64) -> String {
    format!("a whole number from {lo} to {hi}")
}

impl<const LO: u64, const HI: u64> Default for Bounded<LO, HI> {
    fn default() -> Self {
        Bounded(LO)
    }
}

struct BoundedVisitor<const LO: u64, const HI: u64>;

impl<const LO: u64, const HI: u64> Visitor<'_> for BoundedVisitor<LO, HI> {
    type Value = Bounded<LO, HI>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&range_text(LO, HI))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        if (LO..=HI).contains(&v) {
            Ok(Bounded(v))
        } else {
            Err(range_error(v, LO, HI))
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(range_error(v, LO, HI)),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(range_error(v, LO, HI)),
        }
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.visit_u64(u),
            Err(_) => Err(range_error(v, LO, HI)),
        }
    }
}

impl<'de, const LO: u64, const HI: u64> Deserialize<'de> for Bounded<LO, HI> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(BoundedVisitor::<LO, HI>)
    }
}

/// A probability: a number from 0 to 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Probability(pub f64);

impl Default for Probability {
    fn default() -> Self {
        Probability(1.0)
    }
}

struct ProbabilityVisitor;

impl Visitor<'_> for ProbabilityVisitor {
    type Value = Probability;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a probability from 0 to 1")
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Probability, E> {
        if (0.0..=1.0).contains(&v) {
            Ok(Probability(v))
        } else {
            Err(err(
                format_args!("probability {v} is out of range"),
                "a number from 0 to 1",
            ))
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Probability, E> {
        self.visit_f64(v as f64)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Probability, E> {
        self.visit_f64(v as f64)
    }
}

impl<'de> Deserialize<'de> for Probability {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_f64(ProbabilityVisitor)
    }
}

/// A portal written `ADDRESS:PORT`, e.g. `10.0.0.1:3260`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Portal {
    /// The address.
    pub address: String,
    /// The port.
    pub port: u32,
    /// As written, which is how steps name it.
    pub text: String,
}

struct PortalVisitor;

const PORTAL_FORM: &str = "a portal written ADDRESS:PORT, such as \"10.0.0.1:3260\"";

impl Visitor<'_> for PortalVisitor {
    type Value = Portal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(PORTAL_FORM)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Portal, E> {
        let bad = || err(format_args!("`{v}` is not a portal"), PORTAL_FORM);
        let (address, port) = v.rsplit_once(':').ok_or_else(bad)?;
        let port: u16 = port.parse().map_err(|_| bad())?;
        if address.is_empty() {
            return Err(bad());
        }
        Ok(Portal {
            address: address.to_string(),
            port: u32::from(port),
            text: v.to_string(),
        })
    }
}

impl<'de> Deserialize<'de> for Portal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(PortalVisitor)
    }
}

const HRESULT_FORM: &str = "an HRESULT by its SDK name (such as S_OK or VDS_E_OBJECT_DELETED), \
     as HRESULT_FROM_WIN32(ERROR_TIMEOUT), or in hex (such as 0x8004240B)";

/// An HRESULT written by SDK name or in hex.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Code(pub HResult);

struct CodeVisitor;

impl Visitor<'_> for CodeVisitor {
    type Value = Code;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(HRESULT_FORM)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Code, E> {
        HResult::parse(v)
            .map(Code)
            .ok_or_else(|| err(format_args!("unknown HRESULT `{v}`"), HRESULT_FORM))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Code, E> {
        Err(err(
            format_args!("the number {v} is ambiguous as an HRESULT"),
            "an SDK name or a quoted hex value such as \"0x8004240B\"",
        ))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Code, E> {
        Err(err(
            format_args!("the number {v} is ambiguous as an HRESULT"),
            "an SDK name or a quoted hex value such as \"0x8004240B\"",
        ))
    }
}

impl<'de> Deserialize<'de> for Code {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CodeVisitor)
    }
}

/// A non-empty list of HRESULTs: `[S_OK, VDS_S_ALREADY_EXISTS]` (a single
/// code without brackets is accepted too).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Codes(pub Vec<HResult>);

struct CodesVisitor;

impl<'de> Visitor<'de> for CodesVisitor {
    type Value = Codes;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of HRESULTs such as [S_OK, VDS_S_ALREADY_EXISTS]")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Codes, E> {
        CodeVisitor.visit_str(v).map(|c| Codes(vec![c.0]))
    }
    fn visit_seq<A: de::SeqAccess<'de>>(self, mut seq: A) -> Result<Codes, A::Error> {
        let mut v = Vec::new();
        while let Some(Code(c)) = seq.next_element()? {
            v.push(c);
        }
        if v.is_empty() {
            return Err(err(
                "an empty list of HRESULTs can never match",
                "at least one HRESULT, such as [S_OK]",
            ));
        }
        Ok(Codes(v))
    }
}

impl<'de> Deserialize<'de> for Codes {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CodesVisitor)
    }
}

/// The name after `call:`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CallName(pub &'static CallSpec);

struct CallNameVisitor;

impl Visitor<'_> for CallNameVisitor {
    type Value = CallName;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a call name")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<CallName, E> {
        tables::call_named(v).map(CallName).ok_or_else(|| {
            err(
                format_args!("unknown call `{v}`"),
                format_args!(
                    "one of {}",
                    tables::list(tables::CALLS.iter().map(|c| c.name))
                ),
            )
        })
    }
}

impl<'de> Deserialize<'de> for CallName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(CallNameVisitor)
    }
}

/// The name after `kind:`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct KindName(pub &'static KindSpec);

struct KindNameVisitor;

impl Visitor<'_> for KindNameVisitor {
    type Value = KindName;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a fault kind")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<KindName, E> {
        tables::kind_named(v).map(KindName).ok_or_else(|| {
            err(
                format_args!("unknown fault kind `{v}`"),
                format_args!(
                    "one of {}",
                    tables::list(vds_sim::faults::FaultKind::ALL.iter().map(|k| k.name()))
                ),
            )
        })
    }
}

impl<'de> Deserialize<'de> for KindName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(KindNameVisitor)
    }
}

/// A field's value read with the field's type and turned into a YAML value,
/// ready to be handed to the sim's own deserializer.
pub(crate) struct Typed(pub Ty);

impl<'de> de::DeserializeSeed<'de> for Typed {
    type Value = Option<serde_yaml::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(TypedVisitor(self.0))
    }
}

struct TypedVisitor(Ty);

impl TypedVisitor {
    fn number<E: de::Error>(self, v: u64) -> Result<Option<serde_yaml::Value>, E> {
        match self.0 {
            Ty::Int(lo, hi) if (lo..=hi).contains(&v) => Ok(Some(v.into())),
            Ty::Int(lo, hi) => Err(range_error(v, lo, hi)),
            Ty::Prob => ProbabilityVisitor.visit_u64(v).map(|p| Some(p.0.into())),
            Ty::Str | Ty::PortalStatus => Err(err(
                format_args!("wrong type: the number {v}"),
                self.0.describe(),
            )),
        }
    }

    fn too_wide<E: de::Error>(self, v: impl fmt::Display) -> Result<Option<serde_yaml::Value>, E> {
        match self.0 {
            Ty::Int(lo, hi) => Err(range_error(v, lo, hi)),
            _ => Err(err(
                format_args!("wrong type: the number {v}"),
                self.0.describe(),
            )),
        }
    }
}

impl<'de> Visitor<'de> for TypedVisitor {
    type Value = Option<serde_yaml::Value>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.describe())
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        match self.0 {
            Ty::Str => Ok(Some(v.into())),
            Ty::PortalStatus if vds_sim::props::VDS_ISCSI_PORTAL_STATUS::from_name(v).is_some() => {
                Ok(Some(v.into()))
            }
            Ty::PortalStatus => Err(err(
                format_args!("unknown portal status `{v}`"),
                self.0.describe(),
            )),
            ty => Err(err(
                format_args!("wrong type: the string `{v}`"),
                ty.describe(),
            )),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.number(v)
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.number(u),
            Err(_) => self.too_wide(v),
        }
    }
    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.number(u),
            Err(_) => self.too_wide(v),
        }
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Self::Value, E> {
        match u64::try_from(v) {
            Ok(u) => self.number(u),
            Err(_) => self.too_wide(v),
        }
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        match self.0 {
            Ty::Prob => ProbabilityVisitor.visit_f64(v).map(|p| Some(p.0.into())),
            ty => Err(err(
                format_args!("wrong type: the number {v}"),
                ty.describe(),
            )),
        }
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Err(err(
            format_args!("wrong type: the boolean {v}"),
            self.0.describe(),
        ))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}
