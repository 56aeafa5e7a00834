//! The one `SdkConfig`: built from the global options and the standard AWS environment.

use crate::{guard, Error};
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use std::time::Duration;

/// What the operator chose on the command line; everything unset falls back to the
/// standard AWS chain (environment, shared config/credentials files, SSO, assume-role).
#[derive(Debug, Clone)]
pub struct AwsOptions {
    pub profile: Option<String>,
    pub region: Option<String>,
    pub endpoint_url: Option<String>,
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            region: None,
            endpoint_url: None,
            connect_timeout: Duration::from_secs(2),
            read_timeout: Duration::from_secs(20),
        }
    }
}

fn validate(opts: &AwsOptions) -> Result<(), Error> {
    if let Some(r) = &opts.region {
        let ok = !r.is_empty() && r.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !ok {
            return Err(Error::invalid(
                format!("`{r}` is not an AWS region name"),
                "regions look like us-east-1 or eu-west-2",
            ));
        }
    }
    if let Some(u) = &opts.endpoint_url {
        match url::Url::parse(u) {
            Ok(p) if (p.scheme() == "http" || p.scheme() == "https") && p.host().is_some() => {}
            _ => {
                return Err(Error::invalid(
                    format!("`{u}` is not an http(s) endpoint URL"),
                    "pass something like http://127.0.0.1:4566 (the local stack) or https://apigateway.us-east-1.amazonaws.com",
                ))
            }
        }
    }
    Ok(())
}

/// The shared config file, as the AWS CLI finds it.
pub(crate) fn config_file() -> std::path::PathBuf {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
    std::env::var_os("AWS_CONFIG_FILE").map(Into::into).unwrap_or_else(|| home.join(".aws/config"))
}

/// The shared config and credentials files, as the AWS CLI finds them.
fn profile_files() -> Vec<std::path::PathBuf> {
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from).unwrap_or_default();
    let config = config_file();
    let creds = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(Into::into)
        .unwrap_or_else(|| home.join(".aws/credentials"));
    vec![config, creds]
}

/// True when a section `[name]` or `[profile name]` exists in `text`.
fn has_profile(text: &str, name: &str) -> bool {
    text.lines().any(|l| {
        let l = l.trim();
        l.strip_prefix('[').and_then(|l| l.strip_suffix(']')).is_some_and(|section| {
            let section = section.trim();
            section == name || section.strip_prefix("profile").map(str::trim) == Some(name)
        })
    })
}

/// A named profile that is in neither file would silently fall back to other credentials.
fn check_profile(name: &str) -> Result<(), Error> {
    if name == "default" {
        return Ok(());
    }
    let files = profile_files();
    if files.iter().any(|f| std::fs::read_to_string(f).is_ok_and(|t| has_profile(&t, name))) {
        return Ok(());
    }
    Err(Error::invalid(
        format!(
            "profile `{name}` is not in {}",
            files.iter().map(|f| f.display().to_string()).collect::<Vec<_>>().join(" or ")
        ),
        "list the profiles with `aws configure list-profiles`, or create it with `aws configure sso --profile NAME`",
    ))
}

/// Loads the shared configuration. Fails early (no network) when no region can be found.
pub async fn load(opts: &AwsOptions) -> Result<SdkConfig, Error> {
    validate(opts)?;
    if guard::loopback_only() {
        guard::check_process_endpoints(opts.endpoint_url.as_deref())?;
    }
    let mut loader = aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder().connect_timeout(opts.connect_timeout).read_timeout(opts.read_timeout).build(),
    );
    let profile = opts.profile.clone().or_else(|| std::env::var("AWS_PROFILE").ok().filter(|p| !p.is_empty()));
    if let Some(p) = &profile {
        check_profile(p)?;
    }
    if let Some(p) = &opts.profile {
        loader = loader.profile_name(p);
    }
    if let Some(r) = &opts.region {
        loader = loader.region(Region::new(r.clone()));
    }
    if let Some(u) = &opts.endpoint_url {
        loader = loader.endpoint_url(u);
    }
    let bundle = crate::tls::init(profile.as_deref())?;
    // An endpoint under localhost (a custom domain of the local stack) is answered without DNS.
    let localhost_names = opts.endpoint_url.iter().any(|u| crate::localhost::url_needs_resolver(u))
        || std::env::vars().any(|(k, v)| k.starts_with("AWS_ENDPOINT_URL") && crate::localhost::url_needs_resolver(&v));
    if bundle.is_some() || localhost_names {
        loader = loader.http_client(crate::localhost::sdk_http_client(bundle.as_deref(), localhost_names)?);
    }
    let config = loader.load().await;
    if config.region().is_none() {
        return Err(Error::NoRegion { profile });
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_profiles_in_both_file_styles() {
        let text = "[default]\nregion=us-east-1\n[profile ops]\nsso_session=x\n[ staging ]\n";
        assert!(has_profile(text, "ops"));
        assert!(has_profile(text, "staging"));
        assert!(!has_profile(text, "prod"));
        assert!(!has_profile("[profile opsx]", "ops"));
    }

    #[test]
    fn rejects_bad_region_and_endpoint() {
        let o = AwsOptions { region: Some("us east".into()), ..Default::default() };
        assert!(matches!(validate(&o), Err(Error::Invalid { .. })));
        let o = AwsOptions { endpoint_url: Some("127.0.0.1:9".into()), ..Default::default() };
        assert!(matches!(validate(&o), Err(Error::Invalid { .. })));
        let o = AwsOptions {
            region: Some("eu-west-2".into()),
            endpoint_url: Some("http://127.0.0.1:9".into()),
            ..Default::default()
        };
        assert!(validate(&o).is_ok());
    }
}
