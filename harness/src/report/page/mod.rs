//! Pages a person reads in a browser: one self-contained HTML file each
//! (inline SVG, CSS and a few lines of script; nothing fetched, so a page
//! opens from disk and from a CI artifact alike).
//!
//! - [`run_page`]: one run as a timeline (a lane per client, the provider,
//!   the faults and the array), each finding on the call it is about;
//! - [`suite_page`]: a suite's matrix, its coverage cells and its distinct
//!   failures, each linking to its run's page.
//!
//! Pages are made from what the reports already hold, in a fixed order, so
//! the same run gives the same bytes.

mod run;
mod suite;

pub use run::{RunPage, run_page};
pub use suite::suite_page;

use std::fmt::Write as _;

/// `text` escaped for element content and attribute values: the XML
/// escaping the JUnit report uses, which HTML reads the same way.
///
/// ```
/// assert_eq!(vds_harness::report::page::escape("<a href=\"x\">&"), "&lt;a href=&quot;x&quot;&gt;&amp;");
/// ```
pub fn escape(text: &str) -> String {
    super::xml_escape(text)
}

/// `target` as a link from a page written at `page`: relative to the
/// page's folder when both are under the working directory (so the pages
/// move together, as in a CI artifact), else absolute.
///
/// ```
/// use std::path::Path;
/// use vds_harness::report::page::link_from;
/// assert_eq!(link_from(Path::new("r.html"), Path::new("a")), Path::new("a"));
/// assert_eq!(link_from(Path::new("out/r.html"), Path::new("out/a")), Path::new("a"));
/// assert_eq!(link_from(Path::new("out/r.html"), Path::new("a")), Path::new("../a"));
/// ```
pub fn link_from(page: &std::path::Path, target: &std::path::Path) -> std::path::PathBuf {
    use std::path::{Component, PathBuf};
    let plain = |p: &std::path::Path| {
        p.components()
            .all(|c| matches!(c, Component::Normal(_) | Component::CurDir))
    };
    let folder = page.parent().unwrap_or(std::path::Path::new(""));
    if !(plain(folder) && plain(target)) {
        return std::path::absolute(target).unwrap_or_else(|_| target.to_path_buf());
    }
    let (from, to) = (normal_parts(folder), normal_parts(target));
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut link = PathBuf::new();
    for _ in common..from.len() {
        link.push("..");
    }
    for c in &to[common..] {
        link.push(c);
    }
    link
}

/// A path's named parts (no `.`).
fn normal_parts(p: &std::path::Path) -> Vec<std::path::Component<'_>> {
    p.components()
        .filter(|c| matches!(c, std::path::Component::Normal(_)))
        .collect()
}

/// The style every page shares.
const STYLE: &str = r#"
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #1b1b1b; background: #fff; }
h1 { font-size: 1.3em; margin: 0 0 .4em; }
h2 { font-size: 1.1em; margin: 1.4em 0 .4em; }
code, pre, .mono { font-family: ui-monospace, monospace; font-size: 12.5px; }
pre { background: #f4f4f4; padding: .5em .7em; overflow-x: auto; margin: .3em 0; }
table { border-collapse: collapse; margin: .4em 0; }
th, td { border: 1px solid #ccc; padding: 2px 8px; text-align: left; vertical-align: top; }
th { background: #f0f0f0; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
.pass { color: #17631f; } .fail { color: #b00020; font-weight: bold; }
.untested { color: #7a5b00; } .inconclusive { color: #7a5b00; font-weight: bold; }
.finding-item { border-left: 4px solid #b00020; padding: .3em .6em; margin: .4em 0; background: #fff3f4; }
.timeline { overflow-x: auto; border: 1px solid #ccc; }
.timeline svg { display: block; }
.lane-label { font: 12px ui-monospace, monospace; fill: #333; }
.call rect { fill: #8fc79a; stroke: #3c7a47; }
.call.failed rect { fill: #f2c48d; stroke: #a0621a; }
.call.finding rect { fill: #f59aa5; stroke: #b00020; stroke-width: 3; }
.call:focus rect, .call:hover rect { stroke: #000; stroke-width: 3; }
.call:focus { outline: none; }
.call text { font: 11px ui-monospace, monospace; fill: #111; pointer-events: none; }
.mark { stroke-width: 2; }
.mark.fault { stroke: #6a1b9a; } .mark.fault.not-fired { stroke: #bbb; }
.mark.provider { stroke: #0d47a1; } .mark.provider.not-fired { stroke: #bbb; } .mark.array { stroke: #555; } .mark.array.refused { stroke: #c62828; }
.op rect { fill: #b3c7e6; stroke: #3d5a8a; } .op:focus rect, .op:hover rect { stroke: #000; stroke-width: 2; } .op:focus { outline: none; }
.mark.follow { stroke: #3d5a8a; stroke-width: 2; }
rect.span { fill: #e1bee7; opacity: .6; }
.mark.skip { stroke: #999; stroke-dasharray: 2 2; }
.axis { stroke: #ddd; } .axis-label { font: 10px ui-monospace, monospace; fill: #777; }
#details { position: sticky; bottom: 0; background: #fffbe6; border: 1px solid #e0c96b; padding: .4em .7em; min-height: 2.6em; white-space: pre-wrap; }
button { font: inherit; }
"#;

/// A whole page: `title` and `body` (HTML) in the shared frame, with `script`.
fn frame(title: &str, body: &str, script: &str) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n{body}\n<script>{script}</script>\n</body>\n</html>\n",
        escape(title)
    );
    s
}

/// A block with `command` and a button that copies it.
fn copyable(label: &str, command: &str) -> String {
    format!(
        "<p>{}</p><pre class=\"copyable\">{}</pre><button type=\"button\" class=\"copy\">copy</button>",
        escape(label),
        escape(command)
    )
}

/// The script that makes copy buttons copy the block before them.
const COPY_SCRIPT: &str = r#"
document.querySelectorAll("button.copy").forEach(function (b) {
  b.addEventListener("click", function () {
    var text = b.previousElementSibling.textContent;
    if (navigator.clipboard) { navigator.clipboard.writeText(text).catch(function () {}); }
  });
});
"#;
