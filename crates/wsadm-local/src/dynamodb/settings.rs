//! The table settings the fast engine does not keep (time to live, point-in-time recovery,
//! encryption), kept here per table, and the JSON DynamoDB answers about them.

use serde_json::{json, Value};

/// One table's settings, as DynamoDB reports them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableSettings {
    /// The TTL attribute, when TTL is enabled.
    pub ttl_attribute: Option<String>,
    pub pitr: bool,
    /// Encrypted with a KMS key (`SSESpecification.Enabled`); otherwise with an AWS owned key,
    /// which DynamoDB does not describe.
    pub kms: bool,
}

/// Why a settings change is refused: DynamoDB's `ValidationException` message.
pub type Refusal = String;

impl TableSettings {
    /// `UpdateTimeToLive`: DynamoDB refuses to enable it twice or to disable another attribute.
    pub fn update_ttl(&mut self, spec: &Value) -> Result<Value, Refusal> {
        let enabled =
            spec.get("Enabled").and_then(Value::as_bool).ok_or("TimeToLiveSpecification.Enabled is required")?;
        let name = spec
            .get("AttributeName")
            .and_then(Value::as_str)
            .filter(|n| !n.is_empty() && n.len() <= 255)
            .ok_or("TimeToLiveSpecification.AttributeName must be 1 to 255 characters")?;
        match (&self.ttl_attribute, enabled) {
            (Some(_), true) => return Err("TimeToLive is already enabled".into()),
            (None, false) => return Err("TimeToLive is already disabled".into()),
            (Some(current), false) if current != name => {
                return Err(format!(
                    "TimeToLive is active on a different AttributeName: current AttributeName is {current}"
                ))
            }
            _ => {}
        }
        self.ttl_attribute = enabled.then(|| name.to_string());
        Ok(json!({ "TimeToLiveSpecification": { "Enabled": enabled, "AttributeName": name } }))
    }

    pub fn describe_ttl(&self) -> Value {
        match &self.ttl_attribute {
            Some(a) => json!({ "TimeToLiveDescription": { "TimeToLiveStatus": "ENABLED", "AttributeName": a } }),
            None => json!({ "TimeToLiveDescription": { "TimeToLiveStatus": "DISABLED" } }),
        }
    }

    pub fn update_pitr(&mut self, spec: &Value) -> Result<Value, Refusal> {
        self.pitr = spec
            .get("PointInTimeRecoveryEnabled")
            .and_then(Value::as_bool)
            .ok_or("PointInTimeRecoverySpecification.PointInTimeRecoveryEnabled is required")?;
        Ok(self.describe_pitr(now_secs()))
    }

    /// `DescribeContinuousBackups` (continuous backups are always on; PITR is the switch).
    pub fn describe_pitr(&self, now: f64) -> Value {
        let pitr = if self.pitr {
            json!({
                "PointInTimeRecoveryStatus": "ENABLED",
                "RecoveryPeriodInDays": 35,
                "EarliestRestorableDateTime": now,
                "LatestRestorableDateTime": now,
            })
        } else {
            json!({ "PointInTimeRecoveryStatus": "DISABLED" })
        };
        json!({ "ContinuousBackupsDescription": {
            "ContinuousBackupsStatus": "ENABLED",
            "PointInTimeRecoveryDescription": pitr,
        } })
    }

    /// `SSESpecification` of CreateTable or UpdateTable.
    pub fn set_sse(&mut self, spec: &Value) {
        self.kms = spec.get("Enabled").and_then(Value::as_bool).unwrap_or(false);
    }

    /// Adds `SSEDescription` to a table description, as DynamoDB does for a KMS-encrypted table.
    pub fn describe_sse(&self, table: &mut Value, region: &str, account: &str) {
        let Some(t) = table.as_object_mut() else { return };
        if self.kms {
            t.insert(
                "SSEDescription".into(),
                json!({
                    "Status": "ENABLED",
                    "SSEType": "KMS",
                    "KMSMasterKeyArn": format!("arn:aws:kms:{region}:{account}:key/aws-dynamodb-local"),
                }),
            );
        } else {
            t.remove("SSEDescription");
        }
    }
}

pub fn now_secs() -> f64 {
    jiff::Timestamp::now().as_millisecond() as f64 / 1000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ttl_follows_dynamodb_rules() {
        let mut s = TableSettings::default();
        assert_eq!(s.describe_ttl()["TimeToLiveDescription"]["TimeToLiveStatus"], "DISABLED");
        assert!(s.update_ttl(&json!({"Enabled": false, "AttributeName": "x"})).is_err());
        let r = s.update_ttl(&json!({"Enabled": true, "AttributeName": "expiresAt"})).unwrap();
        assert_eq!(r["TimeToLiveSpecification"]["AttributeName"], "expiresAt");
        assert_eq!(s.describe_ttl()["TimeToLiveDescription"]["AttributeName"], "expiresAt");
        assert_eq!(
            s.update_ttl(&json!({"Enabled": true, "AttributeName": "x"})).unwrap_err(),
            "TimeToLive is already enabled"
        );
        assert!(s.update_ttl(&json!({"Enabled": false, "AttributeName": "other"})).unwrap_err().contains("expiresAt"));
        s.update_ttl(&json!({"Enabled": false, "AttributeName": "expiresAt"})).unwrap();
        assert_eq!(s.ttl_attribute, None);
        assert!(s.update_ttl(&json!({"Enabled": true, "AttributeName": ""})).is_err());
        assert!(s.update_ttl(&json!({"AttributeName": "a"})).is_err());
    }

    #[test]
    fn pitr_and_encryption_read_back_as_set() {
        let mut s = TableSettings::default();
        let off = s.describe_pitr(1.0);
        assert_eq!(
            off["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
            "DISABLED"
        );
        let on = s.update_pitr(&json!({"PointInTimeRecoveryEnabled": true})).unwrap();
        assert_eq!(
            on["ContinuousBackupsDescription"]["PointInTimeRecoveryDescription"]["PointInTimeRecoveryStatus"],
            "ENABLED"
        );
        assert!(s.update_pitr(&json!({})).is_err());
        let mut table = json!({"TableName": "t"});
        s.describe_sse(&mut table, "us-east-1", "123456789012");
        assert!(table.get("SSEDescription").is_none());
        s.set_sse(&json!({"Enabled": true}));
        s.describe_sse(&mut table, "us-east-1", "123456789012");
        assert_eq!(table["SSEDescription"]["SSEType"], "KMS");
        s.set_sse(&json!({"Enabled": false}));
        s.describe_sse(&mut table, "us-east-1", "123456789012");
        assert!(table.get("SSEDescription").is_none());
    }
}
