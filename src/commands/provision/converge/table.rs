//! The session table: its TTL, point-in-time recovery and encryption.

use super::Conv;
use crate::commands::provision::diff::{action_for, Diff};
use crate::commands::provision::lookup::{not_ours, table_owner, Optional};
use crate::commands::provision::report::Action;
use std::collections::BTreeSet;
use wsadm_core::store::{INDEX_BY_ROOM, INDEX_BY_USER, TTL_ATTRIBUTE};
use wsadm_core::{AwsResultExt, Error};

impl<'a> Conv<'a> {
    pub(super) async fn table(&mut self) -> Result<(), Error> {
        let ddb = self.aws.dynamodb();
        let name = self.d.table.clone();
        let described = ddb.describe_table().table_name(&name).send().await.ctx("DescribeTable").optional()?;
        let described = described.and_then(|o| o.table);
        let tags: Vec<(String, String)> = self.stack_tags().iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        let Some(t) = described else {
            self.record("table", &name, None, Action::Create, vec![]);
            if !self.dry {
                wsadm_core::store::ensure_table(&ddb, &name, &tags).await?;
            }
            return Ok(());
        };
        let arn = t.table_arn().unwrap_or_default().to_string();
        let owner = table_owner(&ddb, &arn).await?;
        if owner.as_deref() != Some(self.d.stack.as_str()) {
            return Err(not_ours("DynamoDB table", &name, &self.d.stack, owner.as_deref()));
        }
        let indexes: BTreeSet<&str> = t.global_secondary_indexes().iter().filter_map(|i| i.index_name()).collect();
        for ix in [INDEX_BY_USER, INDEX_BY_ROOM] {
            if !indexes.contains(ix) {
                return Err(Error::invalid(
                    format!("table {name} has no index {ix}; wsadm cannot repair its key schema"),
                    format!("delete the table (`wsadm destroy --name {}`) and provision again", self.d.stack),
                ));
            }
        }
        let mut diff = Diff::default();
        let ttl = ddb.describe_time_to_live().table_name(&name).send().await.ctx("DescribeTimeToLive")?;
        let ttl_attr = ttl
            .time_to_live_description()
            .filter(|d| d.time_to_live_status().is_some_and(|s| s.as_str() != "DISABLED"))
            .and_then(|d| d.attribute_name())
            .map(str::to_string);
        diff.field("ttl_attribute", ttl_attr, Some(TTL_ATTRIBUTE.to_string()));
        let backups =
            ddb.describe_continuous_backups().table_name(&name).send().await.ctx("DescribeContinuousBackups")?;
        let pitr = backups
            .continuous_backups_description()
            .and_then(|d| d.point_in_time_recovery_description())
            .and_then(|p| p.point_in_time_recovery_status())
            .is_some_and(|s| s.as_str() == "ENABLED");
        diff.field("point_in_time_recovery", Some(pitr), Some(true));
        let sse =
            t.sse_description().and_then(|s| s.status()).is_some_and(|s| matches!(s.as_str(), "ENABLED" | "ENABLING"));
        diff.field("sse_kms", Some(sse), Some(true));
        let action = action_for(&diff);
        self.record("table", &name, Some(arn), action, diff.0);
        if action == Action::Update && !self.dry {
            if !sse {
                ddb.update_table()
                    .table_name(&name)
                    .sse_specification(aws_sdk_dynamodb::types::SseSpecification::builder().enabled(true).build())
                    .send()
                    .await
                    .ctx("UpdateTable")?;
            }
            wsadm_core::store::ensure_table(&ddb, &name, &tags).await?;
        }
        Ok(())
    }
}
