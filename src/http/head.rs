//! `HEAD` wherever `GET` is answered (RFC 9110 section 9.3.2: general-purpose servers MUST
//! support it): the request is routed and handled as a `GET`, so it gets exactly the
//! headers a `GET` would (`ETag`, `Content-Type`, `Content-Length`, caching), and
//! actix-web's HTTP/1 codec, which remembers that the request line said `HEAD`, sends
//! the headers without the body. One rule here instead of a `HEAD` route beside every
//! `GET`; the OpenAPI description says so once.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    if req.method() == Method::HEAD {
        req.head_mut().method = Method::GET;
    }
    next.call(req).await
}
