//! A small validator of the subset of JSON Schema the project's schemas
//! use (`$ref` to local `$defs`, `type`, `const`, `enum`, `properties`,
//! `required`, `additionalProperties: false`, `items`, `minimum`,
//! `maximum`, `oneOf`, `pattern`): no schema crate is in the dependency tree. Any
//! other keyword in a schema fails the test, so the subset cannot drift.

use serde_json::Value;

const KNOWN: &[&str] = &[
    "$schema",
    "$id",
    "$defs",
    "$ref",
    "title",
    "description",
    "type",
    "const",
    "enum",
    "properties",
    "required",
    "additionalProperties",
    "items",
    "minimum",
    "maximum",
    "oneOf",
    "pattern",
];

fn type_ok(t: &str, v: &Value) -> bool {
    match t {
        "object" => v.is_object(),
        "array" => v.is_array(),
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64(),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "null" => v.is_null(),
        other => panic!("unknown type `{other}` in the schema"),
    }
}

/// Validates `v` against `s`; `Err` says where and why.
pub fn validate(root: &Value, s: &Value, v: &Value, at: &str) -> Result<(), String> {
    let s = s.as_object().expect("a schema is an object");
    for k in s.keys() {
        assert!(
            KNOWN.contains(&k.as_str()),
            "unsupported keyword `{k}` in the schema"
        );
    }
    if let Some(r) = s.get("$ref").and_then(Value::as_str) {
        let name = r.strip_prefix("#/$defs/").expect("local $ref");
        validate(root, &root["$defs"][name], v, at)?;
    }
    if let Some(t) = s.get("type") {
        let ok = match t {
            Value::String(t) => type_ok(t, v),
            Value::Array(ts) => ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)),
            _ => panic!("bad type"),
        };
        if !ok {
            return Err(format!("{at}: {v} is not of type {t}"));
        }
    }
    if let Some(c) = s.get("const") {
        if c != v {
            return Err(format!("{at}: {v} is not {c}"));
        }
    }
    if let Some(Value::Array(e)) = s.get("enum") {
        if !e.contains(v) {
            return Err(format!(
                "{at}: {v} is not one of {}",
                Value::Array(e.clone())
            ));
        }
    }
    if let Some(min) = s.get("minimum").and_then(Value::as_f64) {
        if v.as_f64().is_some_and(|x| x < min) {
            return Err(format!("{at}: {v} is below {min}"));
        }
    }
    if let Some(max) = s.get("maximum").and_then(Value::as_u64) {
        if v.is_number() && v.as_u64().is_none_or(|x| x > max) {
            return Err(format!("{at}: {v} is above {max} or not a whole number"));
        }
    }
    if let (Some(p), Some(text)) = (s.get("pattern").and_then(Value::as_str), v.as_str()) {
        let re = regex::Regex::new(p).expect("a schema's pattern is a regular expression");
        if !re.is_match(text) {
            return Err(format!("{at}: {v} does not match {p}"));
        }
    }
    if let Some(o) = v.as_object() {
        for r in s
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let r = r.as_str().unwrap();
            if !o.contains_key(r) {
                return Err(format!("{at}: `{r}` is missing"));
            }
        }
        let props = s.get("properties").and_then(Value::as_object);
        for (k, x) in o {
            match props.and_then(|p| p.get(k)) {
                Some(ps) => validate(root, ps, x, &format!("{at}.{k}"))?,
                None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                    return Err(format!("{at}: unknown property `{k}`"));
                }
                None => {}
            }
        }
    }
    if let (Some(items), Some(a)) = (s.get("items"), v.as_array()) {
        for (i, x) in a.iter().enumerate() {
            validate(root, items, x, &format!("{at}[{i}]"))?;
        }
    }
    if let Some(Value::Array(alts)) = s.get("oneOf") {
        let fits: Vec<_> = alts.iter().map(|a| validate(root, a, v, at)).collect();
        let n = fits.iter().filter(|r| r.is_ok()).count();
        if n != 1 {
            let why: Vec<String> = fits.into_iter().filter_map(Result::err).collect();
            return Err(format!(
                "{at}: {v} fits {n} of oneOf's alternatives, not one ({})",
                why.join("; ")
            ));
        }
    }
    Ok(())
}
