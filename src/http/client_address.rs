//! The address a request came from, for per-source limits: the socket's peer, or, when the
//! peer is a proxy we trust (`INOVIK_TRUSTED_PROXIES`: the national gateway, the compose
//! nginx), the address that proxy says it served. A client can write any
//! `X-Forwarded-For` it likes, so the header is read only from trusted peers, and from the
//! right: the nearest entry that is not itself a trusted proxy is the client.

use std::net::IpAddr;

use actix_web::HttpRequest;
use ipnet::IpNet;

const FORWARDED_FOR: &str = "x-forwarded-for";

/// The client's address; `None` only when the socket has no peer address (a test
/// request built without one).
pub fn client_ip(req: &HttpRequest, trusted_proxies: &[IpNet]) -> Option<IpAddr> {
    let peer = req.peer_addr()?.ip();
    Some(from_chain(peer, forwarded_chain(req), trusted_proxies))
}

/// Every `X-Forwarded-For` entry, leftmost (farthest) first, across repeated headers.
fn forwarded_chain(req: &HttpRequest) -> Vec<String> {
    req.headers()
        .get_all(FORWARDED_FOR)
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(','))
        .map(|entry| entry.trim().to_owned())
        .collect()
}

fn is_trusted(address: IpAddr, trusted_proxies: &[IpNet]) -> bool {
    trusted_proxies.iter().any(|net| net.contains(&address))
}

/// Walks from the peer towards the client while each hop is a trusted proxy.
fn from_chain(peer: IpAddr, chain: Vec<String>, trusted_proxies: &[IpNet]) -> IpAddr {
    let mut client = peer;
    for entry in chain.iter().rev() {
        if !is_trusted(client, trusted_proxies) {
            break;
        }
        // A garbled entry from a trusted proxy: believe no more than what came before it.
        match entry.parse::<IpAddr>() {
            Ok(address) => client = address,
            Err(_) => break,
        }
    }
    client
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn chain(entries: &[&str]) -> Vec<String> {
        entries.iter().map(|e| e.to_string()).collect()
    }

    #[test]
    fn the_header_counts_only_from_trusted_proxies() {
        let trusted: Vec<IpNet> = vec![
            "10.0.0.0/8".parse().unwrap(),
            "192.0.2.1/32".parse().unwrap(),
        ];
        // Straight from the internet: the header is the client's own words, ignored.
        assert_eq!(
            from_chain(ip("203.0.113.9"), chain(&["1.2.3.4"]), &trusted),
            ip("203.0.113.9")
        );
        // Through the proxy: the entry it added.
        assert_eq!(
            from_chain(ip("10.1.2.3"), chain(&["198.51.100.7"]), &trusted),
            ip("198.51.100.7")
        );
        // Through two proxies; whatever the client wrote before them is not believed.
        assert_eq!(
            from_chain(
                ip("10.1.2.3"),
                chain(&["1.2.3.4", "198.51.100.7", "192.0.2.1"]),
                &trusted
            ),
            ip("198.51.100.7")
        );
        // A garbled entry stops the walk at the last trusted hop.
        assert_eq!(
            from_chain(ip("10.1.2.3"), chain(&["nonsense"]), &trusted),
            ip("10.1.2.3")
        );
    }
}
