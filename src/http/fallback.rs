//! Answers for requests no route takes: 405 with `Allow` when the path exists under
//! another method, 404 otherwise, both as problem+json. The route table is read from the
//! OpenAPI document, which every route is registered through, so the two cannot disagree.

use actix_web::{HttpRequest, HttpResponse, web};
use utoipa::openapi::OpenApi;

use crate::error::ApiError;

/// Each documented path template, split into segments, with its methods.
#[derive(Debug, Clone, Default)]
pub struct RouteTable {
    routes: Vec<(Vec<String>, Vec<String>)>,
}

impl RouteTable {
    pub fn from_openapi(doc: &OpenApi) -> Self {
        let routes = doc
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = split(path);
                let methods: Vec<String> = [
                    ("GET", item.get.is_some()),
                    // Answered wherever GET is (http::head).
                    ("HEAD", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter(|(_, present)| *present)
                .map(|(method, _)| method.to_owned())
                .collect();
                (segments, methods)
            })
            .collect();
        Self { routes }
    }

    /// The methods allowed on `path`, or `None` when no route has this shape. A route
    /// spelled out literally (`/innovations/stage-transitions`) wins over one with a
    /// parameter in its place (`/innovations/{id}`).
    pub fn allowed(&self, path: &str) -> Option<Vec<String>> {
        let wanted = split(path);
        let matching: Vec<&(Vec<String>, Vec<String>)> = self
            .routes
            .iter()
            .filter(|(template, _)| matches(template, &wanted))
            .collect();
        let literal: Vec<&(Vec<String>, Vec<String>)> = matching
            .iter()
            .copied()
            .filter(|(template, _)| *template == wanted)
            .collect();
        let chosen = if literal.is_empty() {
            matching
        } else {
            literal
        };
        let mut allowed: Vec<String> = chosen
            .into_iter()
            .flat_map(|(_, methods)| methods.iter().cloned())
            .collect();
        if allowed.is_empty() {
            return None;
        }
        allowed.dedup();
        Some(allowed)
    }
}

fn split(path: &str) -> Vec<String> {
    path.trim_end_matches('/')
        .split('/')
        .map(str::to_owned)
        .collect()
}

fn matches(template: &[String], path: &[String]) -> bool {
    template.len() == path.len()
        && template
            .iter()
            .zip(path)
            .all(|(t, p)| (t.starts_with('{') && !p.is_empty()) || t == p)
}

/// The app's default service.
pub async fn not_routed(
    req: HttpRequest,
    routes: web::Data<RouteTable>,
) -> Result<HttpResponse, ApiError> {
    match routes.allowed(req.path()) {
        // The method is allowed, so the path only resembles a route (e.g. a trailing `/`).
        Some(allow) if allow.iter().any(|m| m == req.method().as_str()) => Err(ApiError::NotFound),
        Some(allow) => Err(ApiError::MethodNotAllowed { allow }),
        None => Err(ApiError::NotFound),
    }
}

/// For a path parameter that does not parse (`/agencies/abc`): 405 when a literal route
/// has that path under other methods, 404 otherwise.
pub fn unparsable_path(req: &HttpRequest) -> ApiError {
    let allowed = req
        .app_data::<web::Data<RouteTable>>()
        .and_then(|routes| routes.allowed(req.path()));
    match allowed {
        Some(allow) if !allow.iter().any(|m| m == req.method().as_str()) => {
            ApiError::MethodNotAllowed { allow }
        }
        _ => ApiError::NotFound,
    }
}
