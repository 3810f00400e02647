use std::sync::Arc;
fn main() {
    let name = std::env::args().nth(1).unwrap_or("reference".into());
    let f = vds_harness::providers::by_name(&name).unwrap();
    let cfg = vds_harness::suite::SuiteConfig::new(f);
    let t = std::time::Instant::now();
    let r = vds_harness::suite::run(&cfg, &mut |_| {});
    for (c, t) in r.rows() {
        println!(
            "{:32} {:?} runs={} failed={} ex={}",
            c.id,
            t.verdict(),
            t.runs,
            t.failed_runs,
            t.exercised
        );
    }
    for f in r.failures.iter().take(5) {
        println!("{} {} {}", f.campaign, f.engine, f.seed);
        for x in f.findings.iter().take(3) {
            println!("   {x}");
        }
    }
    println!("{} runs in {:?}", r.runs, t.elapsed());
    let _ = Arc::new(0);
}
