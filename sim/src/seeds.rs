//! Where every random choice of a run comes from: one `u64` seed, expanded
//! by ChaCha8 (`rand_chacha::ChaCha8Rng`) into one independent stream per
//! purpose. Engines and components are handed plain `u64` seeds, never RNG
//! objects, so that each crate may use its own `rand` version.

use rand::{RngCore, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The purposes a run's seed is split into. The discriminant is the ChaCha
/// stream number, so adding a purpose never changes the others.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u64)]
pub enum Stream {
    /// The engine's own seed (madsim's scheduler, turmoil's network).
    Engine = 0,
    /// The array's object ids and operation timing.
    Array = 1,
    /// Latency and loss on the in-process link.
    Link = 2,
    /// Which probabilistic faults fire, and their details.
    Faults = 3,
    /// Randomness a provider may use.
    Provider = 4,
    /// The programs and faults of a generated workload.
    Workload = 5,
}

/// Derives the seed of one purpose from a run's seed.
///
/// ```
/// use vds_sim::seeds::{derive, Stream};
/// assert_eq!(derive(7, Stream::Array), derive(7, Stream::Array));
/// assert_ne!(derive(7, Stream::Array), derive(7, Stream::Faults));
/// assert_ne!(derive(7, Stream::Array), derive(8, Stream::Array));
/// ```
pub fn derive(seed: u64, stream: Stream) -> u64 {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng.next_u64()
}
