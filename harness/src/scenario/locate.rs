//! Finding the line and column of a node after the file has been read.
//!
//! serde_yaml tells positions only through errors, so [`locate`] reads the
//! text once more with a probe that walks a path (`clients[0].steps[2].expect`)
//! and fails on purpose at its end; the failure carries the node's position.
//! The text has already parsed once, so the walk itself cannot fail elsewhere.

use std::fmt;

use serde::de::{self, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor};

/// One step of a path into the document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Seg {
    /// The value of a mapping's key.
    Key(&'static str),
    /// An element of a sequence (0-based).
    Index(usize),
}

/// Where the path ends: at the value, or at the key naming it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum At {
    /// The node the path leads to.
    Value,
    /// The key of the last [`Seg::Key`].
    Key,
}

const MARKER: &str = "vds-scenario-locate-marker";

/// The 1-based line and column of the node at `path`, if it exists.
pub(crate) fn locate(text: &str, path: &[Seg], at: At) -> Option<(usize, usize)> {
    let de = serde_yaml::Deserializer::from_str(text);
    match (Probe { path, at }).deserialize(de) {
        Ok(()) => None,
        Err(e) if e.to_string().contains(MARKER) => e.location().map(|l| (l.line(), l.column())),
        Err(_) => None,
    }
}

struct Probe<'p> {
    path: &'p [Seg],
    at: At,
}

fn hit<E: de::Error>() -> E {
    E::custom(MARKER)
}

impl<'de> DeserializeSeed<'de> for Probe<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Probe<'_> {
    type Value = ();

    // Reaching a scalar at the path's end fails with this text in the message.
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(MARKER)
        } else {
            f.write_str("anything")
        }
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        self.scalar()
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        self.scalar()
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<(), E> {
        self.scalar()
    }
    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }
    fn visit_none<E: de::Error>(self) -> Result<(), E> {
        self.scalar()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(hit());
        };
        let mut i = 0;
        loop {
            if *first == Seg::Index(i) {
                let found = seq.next_element_seed(Probe {
                    path: rest,
                    at: self.at,
                })?;
                if found.is_none() {
                    return Ok(());
                }
            } else if seq.next_element::<IgnoredAny>()?.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let Some((first, rest)) = self.path.split_first() else {
            return Err(hit());
        };
        let want = match first {
            Seg::Key(k) => Some(*k),
            Seg::Index(_) => None,
        };
        let fail_at_key = rest.is_empty() && self.at == At::Key;
        while let Some(matched) = map.next_key_seed(KeyProbe {
            want,
            fail: fail_at_key,
        })? {
            if matched {
                map.next_value_seed(Probe {
                    path: rest,
                    at: self.at,
                })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(())
    }
}

impl Probe<'_> {
    fn scalar<E: de::Error>(&self) -> Result<(), E> {
        if self.path.is_empty() {
            Err(hit())
        } else {
            Ok(())
        }
    }
}

/// Reads a key; true if it is the one wanted (or fails there, if asked to).
struct KeyProbe {
    want: Option<&'static str>,
    fail: bool,
}

impl<'de> DeserializeSeed<'de> for KeyProbe {
    type Value = bool;
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for KeyProbe {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<bool, E> {
        if self.want == Some(v) {
            if self.fail { Err(hit()) } else { Ok(true) }
        } else {
            Ok(false)
        }
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "\
name: x
clients:
  - name: c1
    steps:
      - call: Refresh
      - call: Wait
        expect: [S_OK]
  - {name: c2, steps: []}
";

    #[test]
    fn finds_values_and_keys() {
        let p = [
            Seg::Key("clients"),
            Seg::Index(0),
            Seg::Key("steps"),
            Seg::Index(1),
            Seg::Key("expect"),
        ];
        assert_eq!(locate(DOC, &p, At::Key), Some((7, 9)));
        assert_eq!(locate(DOC, &p, At::Value), Some((7, 17)));
        let c2 = [Seg::Key("clients"), Seg::Index(1), Seg::Key("name")];
        assert_eq!(locate(DOC, &c2, At::Value), Some((8, 12)));
        assert_eq!(locate(DOC, &c2[..2], At::Value), Some((8, 5)));
        assert_eq!(locate(DOC, &[Seg::Key("name")], At::Key), Some((1, 1)));
        assert_eq!(locate(DOC, &[Seg::Key("nope")], At::Key), None);
        let far = [Seg::Key("clients"), Seg::Index(5)];
        assert_eq!(locate(DOC, &far, At::Value), None);
    }
}
