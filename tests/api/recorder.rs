//! A recording reverse proxy: the integration guide's requests pass through it, and every
//! exchange (request and response, headers and body) is appended to a JSON-lines file, so
//! that a validating gateway can check each against the OpenAPI document. `.ci/clients`
//! sets `INOVIK_GUIDE_EXCHANGES` and runs openapi-core over the file
//! (tests/clients/python/test_guide_exchanges.py).

use std::io::Write;
use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use actix_web::http::header::HeaderMap;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use serde_json::{Map, Value, json};

/// The proxy's address, to hand to the guide instead of the server's.
pub struct Recorder {
    pub address: String,
    server: actix_web::dev::ServerHandle,
}

impl Recorder {
    pub fn start(upstream: &str, file: PathBuf) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let upstream = upstream.to_owned();
        let log = Arc::new(Mutex::new(
            std::fs::File::create(&file).expect("the exchanges file can be created"),
        ));
        let server = HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new((upstream.clone(), log.clone())))
                .app_data(web::PayloadConfig::new(64 * 1024 * 1024))
                .default_service(web::to(forward))
        })
        .workers(1)
        .listen(listener)
        .unwrap()
        .run();
        let handle = server.handle();
        actix_web::rt::spawn(server);
        Self {
            address,
            server: handle,
        }
    }

    pub async fn stop(self) {
        self.server.stop(true).await;
    }
}

type Upstream = (String, Arc<Mutex<std::fs::File>>);

async fn forward(req: HttpRequest, body: web::Bytes, data: web::Data<Upstream>) -> HttpResponse {
    let (upstream, log) = data.get_ref();
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(60))
        .finish();
    let mut outgoing = client.request(req.method().clone(), format!("{upstream}{}", req.uri()));
    for (name, value) in req.headers() {
        if name != "host" && name != "connection" {
            outgoing = outgoing.append_header((name.clone(), value.clone()));
        }
    }
    let mut answer = outgoing
        .send_body(body.clone())
        .await
        .expect("upstream answers");
    let answer_body = answer
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .expect("upstream body");
    let exchange = json!({
        "method": req.method().as_str(),
        "path": req.path(),
        "query": req.query_string(),
        "request_headers": headers(req.headers()),
        "request_body": String::from_utf8_lossy(&body),
        "status": answer.status().as_u16(),
        "response_headers": headers(answer.headers()),
        "response_body": String::from_utf8_lossy(&answer_body),
    });
    let mut file = log.lock().unwrap();
    writeln!(file, "{exchange}").expect("the exchange is recorded");
    let mut response = HttpResponse::build(answer.status());
    for (name, value) in answer.headers() {
        if name != "content-length" && name != "transfer-encoding" && name != "connection" {
            response.append_header((name.clone(), value.clone()));
        }
    }
    response.body(answer_body)
}

/// Header lines as a map of lower-case name to value (repeated lines joined with `, `).
fn headers(map: &HeaderMap) -> Value {
    let mut out = Map::new();
    for (name, value) in map {
        let value = value.to_str().unwrap_or_default().to_owned();
        out.entry(name.as_str().to_owned())
            .and_modify(|joined| {
                *joined = Value::String(format!("{}, {value}", joined.as_str().unwrap_or("")))
            })
            .or_insert(Value::String(value));
    }
    Value::Object(out)
}
