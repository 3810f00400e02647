//! The scenario loader on arbitrary text: it may refuse the text (an
//! `Err` is not a finding) but must not panic or hang, every error must
//! print as one located line, and a scenario it accepts must turn into a
//! world for each of its engines.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vds_harness::scenario::Scenario;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match Scenario::parse(text, "fuzz.yaml") {
        Ok(s) => {
            assert!(
                !s.clients.is_empty(),
                "a scenario without clients was accepted"
            );
            assert!(s.seeds.count >= 1, "a scenario without seeds was accepted");
            // The first and last (engine, seed) pair of its plan make worlds.
            if let Some((engine, seed)) = s.runs().next() {
                let _ = s.world(seed, engine);
            }
            let last = s.seeds.start + (s.seeds.count - 1);
            for &engine in &s.engines {
                let _ = s.world(last, engine);
            }
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.starts_with("fuzz.yaml:"),
                "an error that does not name the file: {msg}"
            );
            assert!(
                !msg.contains('\n'),
                "an error on more than one line: {msg:?}"
            );
        }
    }
});
