//! The interface lifetime ledger notices a leak, a double release, a use
//! after release and a non-NULL pointer in a failed Wait's output.

use std::sync::Arc;
use vds_sim::method::{Issuer, Method};
use vds_sim::prelude::{HrResult, IVdsAsync, VDS_ASYNC_OUTPUT, WaitOutput, Wrap, Wrapped};

use vds_sim::array::ArrayConfig;
use vds_sim::com::ComPtr;
use vds_sim::faults::{Fault, FaultPlan};
use vds_sim::interfaces::IVdsHwProvider;
use vds_sim::ledger::{Ledger, Violation};
use vds_sim::program::{ClientProgram, Step};
use vds_sim::provider::{Mutation, ProviderFactory, ReferenceFactory};
use vds_sim::run;
use vds_sim::runtime::EngineKind;
use vds_sim::world::WorldConfig;

fn kinds(v: &[Violation]) -> Vec<&'static str> {
    v.iter().map(Violation::kind).collect()
}

fn world(steps: Vec<Step>, faults: FaultPlan) -> WorldConfig {
    WorldConfig::new(1)
        .array(ArrayConfig::new().target("t1"))
        .faults(faults)
        .client(ClientProgram::new("c1", steps))
}

#[test]
fn a_pointer_dropped_without_release_is_a_leak() {
    let steps = vec![
        Step::CreatePortalGroup {
            target: "t1".into(),
            bind: "op".into(),
        },
        Step::Leak { name: "op".into() },
    ];
    for engine in EngineKind::ALL {
        let out = run(
            &world(steps.clone(), FaultPlan::new()).engine(engine),
            &ReferenceFactory::default(),
        );
        let v = &out.ledger.violations;
        assert_eq!(kinds(v), vec!["leak"], "{engine}: {v:?}");
        let Violation::Leak { record, .. } = &v[0] else {
            unreachable!()
        };
        assert_eq!(
            (record.interface, record.origin),
            ("IVdsAsync", Method::TargetCreatePortalGroup.into())
        );
    }
}

#[test]
fn releasing_a_reference_twice_is_a_double_release() {
    let ledger = Ledger::new();
    let root: Arc<dyn IVdsHwProvider> = {
        struct Nothing;
        #[async_trait::async_trait]
        impl IVdsHwProvider for Nothing {
            async fn QuerySubSystems(
                &self,
            ) -> vds_sim::com::HrResult<Vec<ComPtr<dyn vds_sim::interfaces::IVdsSubSystemIscsi>>>
            {
                vds_sim::com::ok(vec![])
            }
            async fn Reenumerate(&self) -> vds_sim::com::HrResult<()> {
                vds_sim::com::ok(())
            }
            async fn Refresh(&self) -> vds_sim::com::HrResult<()> {
                vds_sim::com::ok(())
            }
        }
        Arc::new(Nothing)
    };
    let p = ComPtr::issue(&ledger, root, None, Issuer::CoCreateInstance);
    let copy = p.alias_without_add_ref();
    p.release();
    // A call through a released pointer, then a second release.
    let _ = copy.call(Method::HwProviderRefresh);
    copy.release();
    let report = ledger.report();
    assert_eq!(
        kinds(&report.violations),
        vec!["use-after-release", "double-release"]
    );
    assert_eq!((report.issued, report.released), (1, 1));
}

#[test]
fn a_provider_that_hands_out_one_reference_twice_is_caught_at_release() {
    let steps = vec![
        Step::CreatePortalGroup {
            target: "t1".into(),
            bind: "op".into(),
        },
        Step::Wait {
            op: "op".into(),
            bind: None,
        },
        Step::Wait {
            op: "op".into(),
            bind: None,
        },
    ];
    let out = run(
        &world(steps, FaultPlan::new()),
        &Wrapped::new("alias-on-wait", ReferenceFactory::default(), AliasOnWait),
    );
    assert!(
        kinds(&out.ledger.violations).contains(&"double-release"),
        "{:?}",
        out.ledger.violations
    );
}

#[test]
fn a_pointer_in_the_output_of_a_failed_wait_is_reported() {
    // The target disappears while CreatePortalGroup is in flight, so the
    // operation fails; a broken provider still puts a pointer in cpg.
    let steps = vec![
        Step::CreatePortalGroup {
            target: "t1".into(),
            bind: "op".into(),
        },
        Step::Wait {
            op: "op".into(),
            bind: None,
        },
    ];
    let faults = FaultPlan::new().before_call(
        2,
        Fault::DeleteTarget {
            target: "t1".into(),
        },
    );
    let broken: &dyn ProviderFactory = &ReferenceFactory::mutant(Mutation::PointerInFailedWait);
    for engine in EngineKind::ALL {
        let out = run(&world(steps.clone(), faults.clone()).engine(engine), broken);
        let wait = out
            .steps
            .iter()
            .find(|s| s.method == Method::AsyncWait)
            .unwrap();
        assert!(wait.hr_result.unwrap().failed());
        assert!(
            kinds(&out.ledger.violations).contains(&"pointer-in-failed-wait"),
            "{engine}: {:?}",
            out.ledger.violations
        );
        // The reference provider leaves the pointer NULL, and the ledger balances.
        let good = run(
            &world(steps.clone(), faults.clone()).engine(engine),
            &ReferenceFactory::default(),
        );
        assert!(
            good.ledger.balanced(),
            "{engine}: {:?}",
            good.ledger.violations
        );
    }
}

/// The reference, except that Wait releases the group it got and hands out
/// an alias of the released reference: the caller's Release is then a second one.
#[derive(Clone)]
struct AliasOnWait;

#[vds_sim::async_trait]
impl Wrap for AliasOnWait {
    async fn async_wait(&self, a: &dyn IVdsAsync) -> HrResult<WaitOutput> {
        let mut r = a.Wait().await?;
        if let VDS_ASYNC_OUTPUT::VDS_ASYNCOUT_CREATEPORTALGROUP {
            pPortalGroupUnk: Some(p),
        } = &mut r.out.async_out
        {
            let alias = p.alias_without_add_ref();
            std::mem::replace(p, alias).release();
        }
        Ok(r)
    }
}
