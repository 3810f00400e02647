//! Decorators: a provider written from outside as "the reference, except
//! one method" takes a few lines through `vds_sim::prelude`, keeps the
//! ledger right, and is judged like any other provider.

use std::sync::Arc;

use vds_harness::campaigns::CAMPAIGNS;
use vds_harness::suite::{RunId, SuiteConfig, run};
use vds_sim::prelude::*;
use vds_sim::profile::RuleId;

/// Overrides nothing: every call is forwarded.
#[derive(Clone)]
struct PassThrough;
impl Wrap for PassThrough {}

/// Overrides one method: every portal group says its tag is 7.
#[derive(Clone)]
struct TagSeven;

#[async_trait]
impl Wrap for TagSeven {
    async fn portal_group_get_properties(
        &self,
        g: &dyn IVdsIscsiPortalGroup,
    ) -> HrResult<VDS_ISCSI_PORTALGROUP_PROP> {
        Ok(g.GetProperties()
            .await?
            .map(|p| VDS_ISCSI_PORTALGROUP_PROP { tag: 7, ..p }))
    }
}

#[test]
fn a_pass_through_decorator_changes_nothing_the_world_can_see() {
    let wrapped = Wrapped::new("reference", ReferenceFactory::default(), PassThrough);
    for campaign in CAMPAIGNS {
        for engine in EngineKind::ALL {
            let id = RunId {
                campaign,
                engine,
                seed: 3,
            };
            let plain = id.run(&ReferenceFactory::default());
            let through = id.run(&wrapped);
            assert!(
                through.ledger.balanced(),
                "{}: {:?}",
                campaign.name,
                through.ledger
            );
            assert_eq!(
                plain.trace_text(),
                through.trace_text(),
                "{} on {engine}: the decorated trace differs",
                campaign.name
            );
        }
    }
}

#[test]
fn a_decorator_that_overrides_one_method_is_caught() {
    let factory = Wrapped::new("tag-seven", ReferenceFactory::default(), TagSeven);
    let report = run(&SuiteConfig::new(Arc::new(factory)), &mut |_| {});
    assert!(!report.conformant());
    let caught: Vec<_> = report
        .failures
        .iter()
        .flat_map(|f| f.findings.iter().map(|x| x.check))
        .collect();
    assert!(caught.contains(&RuleId::CpgTagUnique.into()), "{caught:?}");
}
