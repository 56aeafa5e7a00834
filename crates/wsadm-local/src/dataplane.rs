//! The WebSocket data plane: upgrade -> authorizer -> `$connect` -> open; each message routed by
//! the API's route selection expression; close -> `$disconnect`. AWS's limits apply.

use crate::emulator::Emulator;
use crate::events::{self, EventContext};
use crate::identity::missing_source;
use crate::ids::{base64_encode, connection_id, new_id};
use crate::integrations::IntegrationError;
use crate::registry::{Conn, Outbound};
use crate::response::{empty, text_response, ResponseBody};
use crate::telemetry::Record;
use crate::throttle::TokenBucket;
use crate::time::now_ms;
use futures::{SinkExt, StreamExt};
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::protocol::{CloseFrame, Role, WebSocketConfig};
use tokio_tungstenite::tungstenite::{Error as WsError, Message};
use tokio_tungstenite::WebSocketStream;

/// Evaluates `$request.body.a.b` on a message; None when the body is not JSON or lacks the path.
pub fn select_route_value(expression: &str, body: &str) -> Option<String> {
    let path = expression.strip_prefix("$request.body.")?;
    let root: Value = serde_json::from_str(body).ok()?;
    let mut v = &root;
    for part in path.split('.') {
        v = v.get(part)?;
    }
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn parse_query(q: Option<&str>) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        m.entry(k.into_owned()).or_default().push(v.into_owned());
    }
    m
}

fn header_map(req: &Request<Incoming>) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in req.headers() {
        if let Ok(v) = v.to_str() {
            m.entry(k.as_str().to_string()).or_default().push(v.to_string());
        }
    }
    m
}

/// What a client sees when a message cannot be handled (AWS's error frame).
fn error_frame(message: &str, connection_id: &str, request_id: &str) -> String {
    json!({ "message": message, "connectionId": connection_id, "requestId": request_id }).to_string()
}

fn status_of(resp: &Value) -> u16 {
    resp.get("statusCode").and_then(Value::as_u64).map(|s| s as u16).unwrap_or(200)
}

/// Everything a connection's events need, copied out of the control plane.
struct ConnectPlan {
    stage: crate::model::Stage,
    authorizer: Option<crate::model::Authorizer>,
    connect_integration: Option<crate::model::Integration>,
}

impl Emulator {
    /// `GET /apis/{apiId}/{stage}` with an Upgrade header, or `GET /{basePath}` on a custom domain.
    pub async fn websocket(self: &Arc<Self>, req: Request<Incoming>, remote: SocketAddr) -> Response<ResponseBody> {
        let path = req.uri().path().trim_end_matches('/').to_string();
        let host = req.headers().get(hyper::header::HOST).and_then(|v| v.to_str().ok()).map(str::to_string);
        // A custom domain routes by its API mapping only; its events name the domain (as AWS).
        let (api_id, stage, domain_name) = match self.control.route_custom_domain(host.as_deref(), &path) {
            Some(Some(r)) => (r.api_id, r.stage, host.unwrap_or_default()),
            Some(None) => return text_response(StatusCode::FORBIDDEN, "Forbidden: no API mapping for this base path"),
            None => {
                let mut parts = path.trim_start_matches('/').split('/');
                let (Some("apis"), Some(api_id), Some(stage), None) =
                    (parts.next(), parts.next(), parts.next(), parts.next())
                else {
                    return text_response(StatusCode::NOT_FOUND, "connect to {apiEndpoint}/{stage}");
                };
                (api_id.to_string(), stage.to_string(), self.host.clone())
            }
        };
        let plan = self.control.with_api(&api_id, |a| {
            let st = a.stages.get(&stage)?;
            let connect = a.route_by_key("$connect");
            let authorizer = connect
                .filter(|r| r.authorization_type == "CUSTOM")
                .and_then(|r| r.authorizer_id.as_ref())
                .and_then(|id| a.authorizers.get(id))
                .cloned();
            Some(ConnectPlan {
                stage: st.clone(),
                authorizer,
                connect_integration: connect.and_then(|r| a.integration_of(r)).cloned(),
            })
        });
        let Some(Some(plan)) = plan else {
            return text_response(StatusCode::FORBIDDEN, "Forbidden: no such API or stage");
        };
        let key = match req.headers().get("sec-websocket-key").and_then(|k| k.to_str().ok()) {
            Some(k) if req.headers().get("sec-websocket-version").is_some_and(|v| v == "13") => k.to_string(),
            _ => {
                return text_response(StatusCode::BAD_REQUEST, "not a WebSocket upgrade (Sec-WebSocket-Key/Version 13)")
            }
        };
        let headers = header_map(&req);
        let query = parse_query(req.uri().query());
        let connected_at = now_ms();
        let mut rec = Record {
            api_id: api_id.clone(),
            stage: stage.clone(),
            connection_id: connection_id(),
            connected_at,
            event_type: "CONNECT",
            route_key: "$connect".into(),
            status: 200,
            source_ip: remote.ip().to_string(),
            user_agent: headers.get("user-agent").and_then(|v| v.first()).cloned(),
            request_id: new_id(6),
            request_time_ms: connected_at,
            domain_name,
            ..Default::default()
        };
        match self.admit(&plan, &headers, &query, &mut rec).await {
            Err((status, text)) => {
                rec.status = status.as_u16();
                rec.client_error = status.is_client_error();
                rec.execution_error = status.is_server_error();
                rec.error_message = Some(text.to_string());
                tracing::info!(connection_id = %rec.connection_id, status = rec.status, "connect refused: {text}");
                self.telemetry.record(Some(&plan.stage), &rec);
                text_response(status, text)
            }
            Ok(authorizer_ctx) => {
                self.telemetry.record(Some(&plan.stage), &rec);
                self.open(req, key, rec, authorizer_ctx, plan.stage.stage_variables)
            }
        }
    }

    /// Rate limit, authorizer, `$connect`: the authorizer's context, or why the upgrade is refused.
    async fn admit(
        &self,
        plan: &ConnectPlan,
        headers: &BTreeMap<String, Vec<String>>,
        query: &BTreeMap<String, Vec<String>>,
        rec: &mut Record,
    ) -> Result<Option<Map<String, Value>>, (StatusCode, &'static str)> {
        if !self.connect_bucket.try_take() {
            return Err((StatusCode::TOO_MANY_REQUESTS, "Too Many Requests: new connection rate exceeded"));
        }
        let ctx = EventContext {
            api_id: &rec.api_id,
            stage: &rec.stage,
            connection_id: &rec.connection_id,
            connected_at: rec.connected_at,
            domain_name: &rec.domain_name,
            source_ip: &rec.source_ip,
            user_agent: rec.user_agent.as_deref(),
            request_id: &rec.request_id,
            now_ms: rec.connected_at,
            stage_variables: &plan.stage.stage_variables,
        };
        // Authorizer: a missing identity source is 401 without calling it; none listed, always called.
        let mut authorizer_ctx: Option<Map<String, Value>> = None;
        if let Some(auth) = &plan.authorizer {
            let missing = missing_source(&auth.identity_source, headers, query, &plan.stage.stage_variables);
            if let Some(src) = missing {
                rec.authorizer_error = Some(format!("identity source {src} missing"));
                return Err((StatusCode::UNAUTHORIZED, "Unauthorized"));
            }
            let arn = format!(
                "arn:aws:execute-api:{}:{}:{}/{}/$connect",
                self.control.region(),
                self.control.account_id(),
                rec.api_id,
                rec.stage
            );
            let ev = events::authorizer_request(&ctx, &arn, headers, query);
            let uri = auth.authorizer_uri.clone().unwrap_or_default();
            let started = std::time::Instant::now();
            let result = self.invoker.invoke_function(&uri, ev, Duration::from_secs(10)).await;
            rec.authorizer_latency_ms = Some(started.elapsed().as_millis() as u64);
            match result {
                Err(IntegrationError::Unauthorized) => {
                    rec.authorizer_status = Some(401);
                    rec.authorizer_error = Some("Unauthorized".into());
                    return Err((StatusCode::UNAUTHORIZED, "Unauthorized"));
                }
                Err(e) => {
                    rec.authorizer_status = Some(500);
                    rec.authorizer_error = Some(e.to_string());
                    return Err((StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"));
                }
                Ok(policy) => match authorizer_allows(&policy) {
                    Some(ctx_map) => {
                        rec.authorizer_status = Some(200);
                        rec.principal_id = ctx_map.get("principalId").and_then(Value::as_str).map(str::to_string);
                        authorizer_ctx = Some(ctx_map);
                    }
                    None => {
                        rec.authorizer_status = Some(403);
                        rec.authorizer_error = Some("the policy denies execute-api:Invoke".into());
                        return Err((StatusCode::FORBIDDEN, "Forbidden"));
                    }
                },
            }
        }
        // $connect integration: an error or a non-2xx rejects the upgrade.
        if let Some(integ) = &plan.connect_integration {
            let ev = events::connect(&ctx, headers, query, authorizer_ctx.as_ref());
            let started = std::time::Instant::now();
            let result = self.invoker.invoke(integ, ev).await;
            rec.integration_latency_ms = Some(started.elapsed().as_millis() as u64);
            match result {
                Ok(resp) => {
                    let status = status_of(&resp);
                    rec.integration_status = Some(status);
                    if !(200..300).contains(&status) {
                        let code = StatusCode::from_u16(status).unwrap_or(StatusCode::FORBIDDEN);
                        return Err((code, "connection rejected by the $connect route"));
                    }
                }
                Err(e) => {
                    rec.integration_error = Some(e.to_string());
                    return Err((StatusCode::INTERNAL_SERVER_ERROR, "Internal server error"));
                }
            }
        }
        Ok(authorizer_ctx)
    }

    /// Registers the connection, answers 101 and runs it once the upgrade completes.
    fn open(
        self: &Arc<Self>,
        req: Request<Incoming>,
        key: String,
        rec: Record,
        authorizer: Option<Map<String, Value>>,
        stage_variables: BTreeMap<String, String>,
    ) -> Response<ResponseBody> {
        let (tx, rx) = mpsc::channel(self.limits.max_queued_frames);
        let conn = Arc::new(Conn {
            id: rec.connection_id,
            api_id: rec.api_id,
            stage: rec.stage,
            connected_at: rec.connected_at,
            last_active: rec.connected_at.into(),
            source_ip: rec.source_ip,
            user_agent: rec.user_agent,
            domain_name: rec.domain_name,
            authorizer,
            tx,
            queued_bytes: 0.into(),
        });
        self.registry.insert(conn.clone());
        tracing::info!(connection_id = %conn.id, api = %conn.api_id, stage = %conn.stage, "connected");
        let this = self.clone();
        tokio::spawn(async move {
            match hyper::upgrade::on(req).await {
                Ok(upgraded) => this.run_connection(TokioIo::new(upgraded), conn, rx, stage_variables).await,
                Err(e) => {
                    tracing::warn!(connection_id = %conn.id, "upgrade failed: {e}");
                    this.registry.remove(&conn.id);
                }
            }
        });
        let accept = tokio_tungstenite::tungstenite::handshake::derive_accept_key(key.as_bytes());
        Response::builder()
            .status(StatusCode::SWITCHING_PROTOCOLS)
            .header("connection", "Upgrade")
            .header("upgrade", "websocket")
            .header("sec-websocket-accept", accept)
            .body(empty())
            .unwrap_or_else(|_| text_response(StatusCode::INTERNAL_SERVER_ERROR, "upgrade"))
    }

    fn ws_config(&self) -> WebSocketConfig {
        // Small buffers: an idle connection should cost a few KB.
        WebSocketConfig::default()
            .read_buffer_size(4 * 1024)
            .write_buffer_size(0)
            .max_write_buffer_size(self.limits.max_queued_bytes + self.limits.max_message_bytes)
            .max_frame_size(Some(self.limits.max_frame_bytes))
            .max_message_size(Some(self.limits.max_message_bytes))
    }

    async fn run_connection(
        self: Arc<Self>,
        io: TokioIo<hyper::upgrade::Upgraded>,
        conn: Arc<Conn>,
        mut rx: mpsc::Receiver<Outbound>,
        stage_variables: BTreeMap<String, String>,
    ) {
        let ws = WebSocketStream::from_raw_socket(io, Role::Server, Some(self.ws_config())).await;
        let (mut sink, mut stream) = ws.split();
        let max_end = tokio::time::Instant::now() + self.limits.max_duration;
        let mut shutdown = self.shutdown.subscribe();
        let stage_variables = Arc::new(stage_variables);
        let (code, reason): (u16, String) = loop {
            let idle_end = {
                let last = conn.last_active.load(Ordering::Relaxed);
                let idle_ms = self.limits.idle_timeout.as_millis() as i64;
                let left = (last + idle_ms - now_ms()).max(0) as u64;
                tokio::time::Instant::now() + Duration::from_millis(left)
            };
            tokio::select! {
                frame = stream.next() => match frame {
                    Some(Ok(Message::Text(t))) => {
                        conn.last_active.store(now_ms(), Ordering::Relaxed);
                        let (this, conn, vars) = (self.clone(), conn.clone(), stage_variables.clone());
                        tokio::spawn(async move { this.on_message(&conn, t.to_string(), false, &vars).await });
                    }
                    Some(Ok(Message::Binary(b))) => {
                        conn.last_active.store(now_ms(), Ordering::Relaxed);
                        let (this, conn, vars) = (self.clone(), conn.clone(), stage_variables.clone());
                        let body = base64_encode(&b);
                        tokio::spawn(async move { this.on_message(&conn, body, true, &vars).await });
                    }
                    Some(Ok(Message::Close(frame))) => {
                        let (c, r) = frame.map(|f| (u16::from(f.code), f.reason.to_string())).unwrap_or((1005, String::new()));
                        let _ = sink.close().await;
                        break (c, r);
                    }
                    Some(Ok(_)) => {} // ping/pong: tungstenite answers pings itself
                    Some(Err(WsError::Capacity(e))) => {
                        let _ = sink.send(close(1009, "Message too big")).await;
                        tracing::info!(connection_id = %conn.id, "closed 1009: {e}");
                        break (1009, "Message too big".into());
                    }
                    Some(Err(e)) => break (1006, format!("connection error: {e}")),
                    None => break (1006, "connection lost".into()),
                },
                out = rx.recv() => match out {
                    Some(Outbound::Text(t)) => {
                        let n = t.len();
                        let r = sink.send(Message::text(t)).await;
                        conn.queued_bytes.fetch_sub(n.min(conn.queued_bytes.load(Ordering::Relaxed)), Ordering::AcqRel);
                        if r.is_err() { break (1006, "write failed".into()); }
                    }
                    Some(Outbound::Binary(b)) => {
                        let n = b.len();
                        let r = sink.send(Message::Binary(b)).await;
                        conn.queued_bytes.fetch_sub(n.min(conn.queued_bytes.load(Ordering::Relaxed)), Ordering::AcqRel);
                        if r.is_err() { break (1006, "write failed".into()); }
                    }
                    Some(Outbound::Close(c, r)) => {
                        let _ = sink.send(close(c, &r)).await;
                        break (c, r);
                    }
                    // Abrupt: no close frame and (below) no $disconnect, like a client that vanished.
                    Some(Outbound::Abort) | None => break (0, "dropped".into()),
                },
                _ = tokio::time::sleep_until(idle_end) => {
                    let _ = sink.send(close(1001, "Going away")).await;
                    tracing::info!(connection_id = %conn.id, "closed 1001: idle timeout");
                    break (1001, "Going away".into());
                }
                _ = tokio::time::sleep_until(max_end) => {
                    let _ = sink.send(close(1001, "Going away")).await;
                    tracing::info!(connection_id = %conn.id, "closed 1001: maximum connection duration");
                    break (1001, "Going away".into());
                }
                _ = shutdown.changed() => {
                    let _ = sink.send(close(1001, "Going away")).await;
                    break (1001, "Going away".into());
                }
            }
        };
        drop(sink);
        drop(stream);
        self.registry.remove(&conn.id);
        if code == 0 {
            tracing::info!(connection_id = %conn.id, "dropped abruptly (fault injection): no $disconnect");
            return;
        }
        tracing::info!(connection_id = %conn.id, code, reason = %reason, "disconnected");
        self.on_disconnect(&conn, code, &reason, &stage_variables).await;
    }

    fn event_context<'a>(
        &'a self,
        conn: &'a Conn,
        request_id: &'a str,
        vars: &'a BTreeMap<String, String>,
    ) -> EventContext<'a> {
        EventContext {
            api_id: &conn.api_id,
            stage: &conn.stage,
            connection_id: &conn.id,
            connected_at: conn.connected_at,
            domain_name: &conn.domain_name,
            source_ip: &conn.source_ip,
            user_agent: conn.user_agent.as_deref(),
            request_id,
            now_ms: now_ms(),
            stage_variables: vars,
        }
    }

    fn record_for(&self, conn: &Conn, event_type: &'static str, route_key: &str, request_id: &str) -> Record {
        Record {
            api_id: conn.api_id.clone(),
            stage: conn.stage.clone(),
            connection_id: conn.id.clone(),
            connected_at: conn.connected_at,
            event_type,
            route_key: route_key.to_string(),
            status: 200,
            source_ip: conn.source_ip.clone(),
            user_agent: conn.user_agent.clone(),
            request_id: request_id.to_string(),
            request_time_ms: now_ms(),
            domain_name: conn.domain_name.clone(),
            principal_id: conn
                .authorizer
                .as_ref()
                .and_then(|a| a.get("principalId"))
                .and_then(Value::as_str)
                .map(str::to_string),
            ..Default::default()
        }
    }

    fn stage_of(&self, conn: &Conn) -> Option<crate::model::Stage> {
        self.control.with_api(&conn.api_id, |a| a.stages.get(&conn.stage).cloned()).flatten()
    }

    async fn on_disconnect(&self, conn: &Conn, code: u16, reason: &str, vars: &BTreeMap<String, String>) {
        let integ = self
            .control
            .with_api(&conn.api_id, |a| a.route_by_key("$disconnect").and_then(|r| a.integration_of(r)).cloned())
            .flatten();
        let request_id = new_id(6);
        let mut rec = self.record_for(conn, "DISCONNECT", "$disconnect", &request_id);
        rec.close_code = Some(code);
        rec.close_reason = Some(reason.to_string());
        if let Some(integ) = integ {
            let ev = events::disconnect(
                &self.event_context(conn, &request_id, vars),
                code,
                reason,
                conn.authorizer.as_ref(),
            );
            let started = std::time::Instant::now();
            let result = self.invoker.invoke(&integ, ev).await;
            rec.integration_latency_ms = Some(started.elapsed().as_millis() as u64);
            match result {
                Ok(resp) => rec.integration_status = Some(status_of(&resp)),
                Err(e) => {
                    tracing::warn!(connection_id = %conn.id, "$disconnect integration failed: {e}");
                    rec.integration_error = Some(e.to_string());
                    rec.execution_error = true;
                    rec.status = 500;
                }
            }
        }
        self.telemetry.record(self.stage_of(conn).as_ref(), &rec);
    }

    fn route_bucket(&self, conn: &Conn, route_key: &str, settings: Option<(f64, f64)>) -> Option<Arc<TokenBucket>> {
        let (rate, burst) = settings?;
        let key = format!("{}/{}/{}", conn.api_id, conn.stage, route_key);
        let mut m = self.route_buckets.lock().unwrap_or_else(|e| e.into_inner());
        let b = m.entry(key).or_insert_with(|| Arc::new(TokenBucket::new(rate, burst)));
        if b.rate() != rate || b.burst() != burst.max(1.0) {
            *b = Arc::new(TokenBucket::new(rate, burst));
        }
        Some(b.clone())
    }

    async fn on_message(&self, conn: &Conn, body: String, binary: bool, vars: &BTreeMap<String, String>) {
        let request_id = new_id(6);
        let plan = self.control.with_api(&conn.api_id, |a| {
            let st = a.stages.get(&conn.stage).cloned();
            let value = if binary { None } else { select_route_value(&a.api.route_selection_expression, &body) };
            let route = value
                .as_deref()
                .filter(|v| !matches!(*v, "$connect" | "$disconnect"))
                .and_then(|v| a.route_by_key(v))
                .or_else(|| a.route_by_key("$default"));
            let Some(route) = route else { return (st, None) };
            let settings = st.as_ref().and_then(|s| {
                let rs = s.route_settings.get(&route.route_key);
                let rate = rs.and_then(|r| r.throttling_rate_limit).or(s.default_route_settings.throttling_rate_limit);
                let burst =
                    rs.and_then(|r| r.throttling_burst_limit).or(s.default_route_settings.throttling_burst_limit);
                match (rate, burst) {
                    (None, None) => None,
                    (r, b) => Some((r.unwrap_or(10_000.0), b.map(f64::from).unwrap_or(5_000.0))),
                }
            });
            let found =
                (route.route_key.clone(), a.integration_of(route).cloned(), a.has_route_response(route), settings);
            (st, Some(found))
        });
        let reply = |text: String| {
            let _ = conn.tx.try_send(Outbound::Text(text));
        };
        let (stage, found) = plan.unwrap_or((None, None));
        let message_id = new_id(6);
        let mut rec = self.record_for(conn, "MESSAGE", "$default", &request_id);
        rec.message_id = Some(message_id.clone());
        rec.body = Some(body.clone());
        let Some((route_key, integ, two_way, settings)) = found else {
            reply(error_frame("Forbidden", &conn.id, &request_id));
            rec.status = 403;
            rec.client_error = true;
            rec.error_message = Some("Forbidden: no route matched and no $default".into());
            self.telemetry.record(stage.as_ref(), &rec);
            return;
        };
        rec.route_key = route_key.clone();
        if let Some(bucket) = self.route_bucket(conn, &route_key, settings) {
            if !bucket.try_take() {
                reply(error_frame("Too Many Requests", &conn.id, &request_id));
                rec.status = 429;
                rec.client_error = true;
                rec.error_message = Some("Too Many Requests".into());
                self.telemetry.record(stage.as_ref(), &rec);
                return;
            }
        }
        if let Some(integ) = integ {
            let ev = events::message(
                &self.event_context(conn, &request_id, vars),
                &route_key,
                &message_id,
                &body,
                binary,
                conn.authorizer.as_ref(),
            );
            let started = std::time::Instant::now();
            let result = self.invoker.invoke(&integ, ev).await;
            rec.integration_latency_ms = Some(started.elapsed().as_millis() as u64);
            match result {
                Ok(resp) => {
                    rec.integration_status = Some(status_of(&resp));
                    if two_way {
                        if let Some(b) = resp.get("body").and_then(Value::as_str).filter(|b| !b.is_empty()) {
                            reply(b.to_string());
                        }
                    }
                }
                Err(e) => {
                    reply(error_frame("Internal server error", &conn.id, &request_id));
                    tracing::warn!(connection_id = %conn.id, route = %route_key, "integration failed: {e}");
                    rec.status = 500;
                    rec.execution_error = true;
                    rec.integration_error = Some(e.to_string());
                    rec.error_message = Some("Internal server error".into());
                }
            }
        }
        tracing::info!(connection_id = %conn.id, route = %route_key, status = rec.status, ms = rec.integration_latency_ms.unwrap_or(0), "message");
        self.telemetry.record(stage.as_ref(), &rec);
    }
}

fn close(code: u16, reason: &str) -> Message {
    Message::Close(Some(CloseFrame { code: CloseCode::from(code), reason: reason.to_string().into() }))
}

/// The authorizer's context when its policy allows `execute-api:Invoke`; None when it denies.
fn authorizer_allows(policy: &Value) -> Option<Map<String, Value>> {
    let statements = policy.pointer("/policyDocument/Statement")?.as_array()?;
    let allow = statements.iter().any(|s| s.get("Effect").and_then(Value::as_str) == Some("Allow"));
    let deny = statements.iter().any(|s| s.get("Effect").and_then(Value::as_str) == Some("Deny"));
    if !allow || deny {
        return None;
    }
    let mut ctx = policy.get("context").and_then(Value::as_object).cloned().unwrap_or_default();
    if let Some(p) = policy.get("principalId") {
        ctx.insert("principalId".into(), p.clone());
    }
    Some(ctx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn route_selection() {
        let e = "$request.body.action";
        assert_eq!(select_route_value(e, r#"{"action":"send"}"#).as_deref(), Some("send"));
        assert_eq!(select_route_value("$request.body.meta.kind", r#"{"meta":{"kind":"x"}}"#).as_deref(), Some("x"));
        assert_eq!(select_route_value(e, r#"{"other":1}"#), None);
        assert_eq!(select_route_value(e, "not json"), None);
        assert_eq!(select_route_value(e, r#"{"action":{"a":1}}"#), None);
    }

    #[test]
    fn policies() {
        let allow = json!({"principalId":"alice","policyDocument":{"Version":"2012-10-17","Statement":[{"Action":"execute-api:Invoke","Effect":"Allow","Resource":"arn"}]},"context":{"userId":"alice"}});
        let ctx = authorizer_allows(&allow).unwrap();
        assert_eq!(ctx["userId"], "alice");
        assert_eq!(ctx["principalId"], "alice");
        let deny = json!({"principalId":"a","policyDocument":{"Statement":[{"Effect":"Deny"}]}});
        assert!(authorizer_allows(&deny).is_none());
        assert!(authorizer_allows(&json!({})).is_none());
    }
}
