//! The command line's seed, count, size, shard and engine parsers on
//! arbitrary text: no panics, and what they accept prints back to a value
//! they accept again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vds_harness::cli::parsers::{
    parse_bytes, parse_count, parse_engine, parse_positive, parse_seed, parse_shard,
};

fuzz_target!(|data: &[u8]| {
    let Ok(s) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(n) = parse_seed(s) {
        assert_eq!(parse_seed(&n.to_string()), Ok(n));
        assert_eq!(parse_seed(&format!("{n:#x}")), Ok(n));
    }
    if let Ok(n) = parse_count(s) {
        assert_eq!(parse_count(&n.to_string()), Ok(n));
    }
    if let Ok(n) = parse_positive(s) {
        assert!(n >= 1);
    }
    if let Ok(n) = parse_bytes(s) {
        assert!(n >= 1);
    }
    if let Ok(shard) = parse_shard(s) {
        assert!(1 <= shard.k && shard.k <= shard.n, "{shard:?}");
        assert_eq!(parse_shard(&shard.to_string()), Ok(shard));
        // Every run belongs to exactly one of the N shards.
        for i in [0, 1, shard.n - 1, shard.n, usize::MAX] {
            let owners = (1..=shard.n.min(4))
                .filter(|k| vds_harness::cli::Shard { k: *k, n: shard.n }.takes(i))
                .count();
            assert!(owners <= 1);
        }
        let _ = shard.takes(usize::MAX);
    }
    if let Ok(e) = parse_engine(s) {
        assert_eq!(parse_engine(&e.to_string()), Ok(e));
    }
});
