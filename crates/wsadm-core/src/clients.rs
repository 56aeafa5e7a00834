//! Every AWS client wsadm uses, built from the one `SdkConfig`.

use crate::{config, guard, AwsOptions, Error};
use aws_config::SdkConfig;
use url::Url;

/// The shared configuration and a factory for the service clients (clients are cheap to make).
#[derive(Clone, Debug)]
pub struct Aws {
    config: SdkConfig,
}

impl Aws {
    pub async fn load(opts: &AwsOptions) -> Result<Self, Error> {
        Ok(Aws { config: config::load(opts).await? })
    }

    pub fn from_config(config: SdkConfig) -> Self {
        Aws { config }
    }

    pub fn sdk_config(&self) -> &SdkConfig {
        &self.config
    }

    pub fn region(&self) -> &str {
        self.config.region().map(|r| r.as_ref()).unwrap_or("")
    }

    pub fn apigw(&self) -> aws_sdk_apigatewayv2::Client {
        aws_sdk_apigatewayv2::Client::new(&self.config)
    }

    /// API Gateway's v1 API, for the account settings (the CloudWatch role) v2 does not expose.
    pub fn apigateway_account(&self) -> aws_sdk_apigateway::Client {
        aws_sdk_apigateway::Client::new(&self.config)
    }

    pub fn dynamodb(&self) -> aws_sdk_dynamodb::Client {
        aws_sdk_dynamodb::Client::new(&self.config)
    }

    pub fn logs(&self) -> aws_sdk_cloudwatchlogs::Client {
        aws_sdk_cloudwatchlogs::Client::new(&self.config)
    }

    pub fn cloudwatch(&self) -> aws_sdk_cloudwatch::Client {
        aws_sdk_cloudwatch::Client::new(&self.config)
    }

    pub fn lambda(&self) -> aws_sdk_lambda::Client {
        aws_sdk_lambda::Client::new(&self.config)
    }

    pub fn iam(&self) -> aws_sdk_iam::Client {
        aws_sdk_iam::Client::new(&self.config)
    }

    pub fn sts(&self) -> aws_sdk_sts::Client {
        aws_sdk_sts::Client::new(&self.config)
    }

    pub fn secretsmanager(&self) -> aws_sdk_secretsmanager::Client {
        aws_sdk_secretsmanager::Client::new(&self.config)
    }

    /// The @connections client for one stage's management endpoint
    /// (see [`crate::target::management_endpoint`]).
    pub fn management(&self, endpoint: &Url) -> Result<aws_sdk_apigatewaymanagement::Client, Error> {
        if guard::loopback_only() {
            guard::check(endpoint.as_str())?;
        }
        let mut conf = aws_sdk_apigatewaymanagement::config::Builder::from(&self.config)
            .endpoint_url(endpoint.as_str().trim_end_matches('/'));
        // A custom domain under localhost (the local stack's) is resolved without DNS.
        if crate::localhost::url_needs_resolver(endpoint.as_str()) {
            conf = conf.http_client(crate::localhost::sdk_http_client(crate::tls::bundle()?.as_deref(), true)?);
        }
        let conf = conf.build();
        Ok(aws_sdk_apigatewaymanagement::Client::from_conf(conf))
    }

    /// The @connections client without SDK retries, for callers that retry and pace themselves.
    pub fn management_without_retries(&self, endpoint: &Url) -> Result<aws_sdk_apigatewaymanagement::Client, Error> {
        let conf = self
            .management(endpoint)?
            .config()
            .to_builder()
            .retry_config(aws_config::retry::RetryConfig::disabled())
            .build();
        Ok(aws_sdk_apigatewaymanagement::Client::from_conf(conf))
    }
}
