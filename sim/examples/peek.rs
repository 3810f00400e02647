fn main() {
    let seed: u64 = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(3);
    let engine = std::env::args()
        .nth(2)
        .and_then(|s| s.parse().ok())
        .unwrap_or(vds_sim::runtime::EngineKind::Madsim);
    let out = vds_sim::world::run(
        &vds_sim::workload::mixed(seed).engine(engine),
        &vds_sim::provider::ReferenceFactory::default(),
    );
    print!("{}", out.trace_text());
    eprintln!("{:?}", out.ledger);
}
