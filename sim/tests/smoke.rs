use vds_sim::array::ArrayConfig;
use vds_sim::program::{ClientProgram, Step};
use vds_sim::provider::ReferenceFactory;
use vds_sim::run;
use vds_sim::runtime::EngineKind;
use vds_sim::world::WorldConfig;

#[test]
fn smoke_both_engines() {
    for engine in EngineKind::ALL {
        let cfg = WorldConfig::new(7)
            .engine(engine)
            .array(ArrayConfig::new().target("t1").portal("10.0.0.1", 3260))
            .client(ClientProgram::new(
                "c1",
                vec![
                    Step::CreatePortalGroup {
                        target: "t1".into(),
                        bind: "op".into(),
                    },
                    Step::QueryStatus { op: "op".into() },
                    Step::Wait {
                        op: "op".into(),
                        bind: Some("g".into()),
                    },
                    Step::QueryStatus { op: "op".into() },
                    Step::AddPortal {
                        group: "g".into(),
                        portal: "10.0.0.1:3260".into(),
                        bind: "op".into(),
                    },
                    Step::Wait {
                        op: "op".into(),
                        bind: None,
                    },
                ],
            ));
        let out = run(&cfg, &ReferenceFactory::default());
        println!("{}", out.trace_text());
        println!("{:?}", out.ledger);
        assert!(out.error.is_none(), "{:?}", out.error);
    }
}
