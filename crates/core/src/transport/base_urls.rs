//! reqwest wants a `Url` per request, and converting an `http::Uri` means printing it and
//! parsing the text again, host and all (IDNA mapping included). The origins a client talks to
//! are few, so each one is parsed once; a request's URL is its path and query parsed relative
//! to the origin's, which parses only those two and builds the URL in one allocation (a copy
//! of the origin's with the path and query set took four).

use std::sync::RwLock;

use reqwest::Url;

/// Most origins kept; beyond this, URLs are parsed whole (correct, only slower).
const MAX_ORIGINS: usize = 16;

/// Parsed `scheme://authority/` URLs, by origin text.
#[derive(Debug, Default)]
pub(super) struct BaseUrls {
    origins: RwLock<Vec<(String, Url)>>,
}

impl BaseUrls {
    /// The URL of `uri`, which must be absolute.
    pub fn url(&self, uri: &http::Uri) -> Option<Url> {
        let (Some(scheme), Some(authority)) = (uri.scheme_str(), uri.authority()) else {
            return Url::parse(&uri.to_string()).ok();
        };
        let path_and_query = uri.path_and_query().map_or("/", |pq| pq.as_str());
        // A path starting with `//` would read as a new authority when parsed relative to the
        // origin: parse such a URI whole.
        if !path_and_query.starts_with('/') || path_and_query.starts_with("//") {
            return Url::parse(&uri.to_string()).ok();
        }
        let authority = authority.as_str();
        let relative = |base: &Url| {
            Url::options()
                .base_url(Some(base))
                .parse(path_and_query)
                .ok()
        };
        let matches = |origin: &str| {
            origin.len() == scheme.len() + 3 + authority.len()
                && origin.starts_with(scheme)
                && origin.get(scheme.len()..scheme.len() + 3) == Some("://")
                && origin.ends_with(authority)
        };
        if let Ok(origins) = self.origins.read() {
            if let Some((_, base)) = origins.iter().find(|(origin, _)| matches(origin)) {
                return relative(base);
            }
        }
        let origin = format!("{scheme}://{authority}");
        let base = Url::parse(&origin).ok()?;
        let url = relative(&base);
        if let Ok(mut origins) = self.origins.write() {
            if origins.len() < MAX_ORIGINS && !origins.iter().any(|(o, _)| matches(o)) {
                origins.push((origin, base));
            }
        }
        url
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_url_as_parsing_the_whole_uri() {
        let cache = BaseUrls::default();
        for text in [
            "http://127.0.0.1:8080/v1/p/x%2Fy?a=1&b=%20c",
            "https://svc.example.com/v2/a/b",
            "https://svc.example.com/v2/a/b/?q=%2F",
            "https://svc.example.com:8443/",
            "http://[::1]:9000/v4/projects/p/image-file?image_uri=a%2Fb",
            "https://xn--fiqs8s.example/p?x=%E4%B8%AD",
            "http://127.0.0.1:8080//double/slash?x=1",
            "http://127.0.0.1:8080/a/../b/./c?y=%zz&q='x'",
            "https://svc.example.com/p%20q?a#frag",
        ] {
            for _ in 0..2 {
                let uri: http::Uri = text.parse().unwrap();
                let expected = Url::parse(&uri.to_string()).unwrap();
                assert_eq!(cache.url(&uri).unwrap(), expected, "{text}");
            }
        }
        assert_eq!(cache.origins.read().unwrap().len(), 5);
    }

    #[test]
    fn a_lookalike_origin_is_not_confused() {
        let cache = BaseUrls::default();
        let a: http::Uri = "http://ab.c/x".parse().unwrap();
        let b: http::Uri = "http://a.bc/x".parse().unwrap();
        assert_eq!(cache.url(&a).unwrap().host_str(), Some("ab.c"));
        assert_eq!(cache.url(&b).unwrap().host_str(), Some("a.bc"));
    }
}
