//! Serve stage, HTTP: one request -> one response, from the serve output folder only.
//!
//! Input: a request from `tiny_http` and the server's [`Site`]. Output: the file it names (HTML
//! with the live-reload script injected), a redirect to a folder's `/`, the long-poll answer of
//! the reload channel, or an error status. It must never answer for a file outside the output
//! folder (the request path is decoded exactly once; `..`, `\`, NUL, hidden names and symbolic
//! links that leave the folder give 404), never answer a request whose `Host` is not the
//! server's own address (DNS rebinding), and never send cross-origin (`Access-Control-*`)
//! headers. Nothing here writes to disk.

use std::fs;
use std::io::Read;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use percent_encoding::percent_decode_str;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use super::reload::{self, CHANGES_PATH, EVENTS_PATH};
use super::{Shared, Status};

type Reply = tiny_http::ResponseBox;

/// How long a reload poll waits for a new build before it answers "no change".
const POLL_WAIT: Duration = Duration::from_secs(25);

/// What the HTTP side needs: where the pages are, under which path they are mounted, the bound
/// address (for the `Host` check) and the build status.
pub(crate) struct Site {
    pub out: PathBuf,
    /// The base path the site is built for, starting and ending with `/`.
    pub mount: String,
    pub addr: SocketAddr,
    pub shared: std::sync::Arc<Shared>,
}

/// Where a request path leads, before the file system is asked.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route {
    /// Path segments below the mount, decoded and checked; `dir` when the path ended in `/`.
    File {
        segments: Vec<String>,
        dir: bool,
    },
    Redirect(String),
    Events,
    Changes,
    NotFound,
}

/// Answers one request. Errors writing the response (the browser went away) are ignored.
pub(crate) fn handle(request: Request, site: &Site) {
    let host = request
        .headers()
        .iter()
        .find(|h| h.field.equiv("Host"))
        .map(|h| h.value.as_str().to_string());
    if !host_allowed(host.as_deref(), site.addr) {
        let why = format!(
            "421 Misdirected Request: this preview server answers only for http://{}/\n",
            site.addr
        );
        let _ = request.respond(text(421, why));
        return;
    }
    if !matches!(request.method(), Method::Get | Method::Head) {
        let _ = request.respond(text(405, "405 Method Not Allowed\n".into()));
        return;
    }
    let response = match route(request.url(), &site.mount) {
        Route::Events => poll(request.url(), &site.shared),
        Route::Changes => {
            let status = site.shared.status();
            let page = reload::changes_page(status.changes.as_deref(), &site.mount);
            html(200, &page, &status)
        }
        Route::Redirect(to) => redirect(&to),
        Route::File { segments, dir } => match locate(&site.out, &segments) {
            Found::File(path) => file(&path, 200, site),
            Found::Folder if !dir => redirect(&folder_url(request.url())),
            Found::Folder => match locate_index(&site.out, &segments) {
                Some(path) => file(&path, 200, site),
                None => not_found(site),
            },
            Found::Nothing => not_found(site),
        },
        Route::NotFound => not_found(site),
    };
    let _ = request.respond(response);
}

/// Decodes a request target once and checks every segment. Anything that could name a file
/// outside the mount (`..` in any encoding, `\`, NUL, `:`) or a hidden file is `NotFound`.
pub(crate) fn route(target: &str, mount: &str) -> Route {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    if path == EVENTS_PATH {
        return Route::Events;
    }
    if path == CHANGES_PATH || path.strip_suffix('/') == Some(CHANGES_PATH) {
        return Route::Changes;
    }
    if !path.starts_with('/') {
        return Route::NotFound;
    }
    let Ok(decoded) = percent_decode_str(path).decode_utf8() else {
        return Route::NotFound;
    };
    if decoded.contains(['\\', '\0']) {
        return Route::NotFound;
    }
    let Some(rest) = decoded.strip_prefix(mount) else {
        return if decoded == "/" || format!("{decoded}/") == mount {
            Route::Redirect(mount.to_string())
        } else {
            Route::NotFound
        };
    };
    let mut segments = Vec::new();
    for segment in rest.split('/').filter(|s| !s.is_empty()) {
        if segment.starts_with('.')
            || segment.contains(':')
            || segment.chars().any(char::is_control)
        {
            return Route::NotFound;
        }
        segments.push(segment.to_string());
    }
    Route::File {
        segments,
        dir: rest.is_empty() || rest.ends_with('/'),
    }
}

/// What the output folder holds at a checked path.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Found {
    File(PathBuf),
    Folder,
    Nothing,
}

/// The file or folder `segments` name inside `out`, after resolving symbolic links: anything
/// that resolves outside `out` is `Nothing`.
pub(crate) fn locate(out: &Path, segments: &[String]) -> Found {
    let Ok(root) = fs::canonicalize(out) else {
        return Found::Nothing;
    };
    let Ok(real) = fs::canonicalize(segments.iter().fold(root.clone(), |p, s| p.join(s))) else {
        return Found::Nothing;
    };
    if !real.starts_with(&root) {
        return Found::Nothing;
    }
    match fs::metadata(&real) {
        Ok(m) if m.is_file() => Found::File(real),
        Ok(m) if m.is_dir() => Found::Folder,
        _ => Found::Nothing,
    }
}

fn locate_index(out: &Path, segments: &[String]) -> Option<PathBuf> {
    let mut with_index = segments.to_vec();
    with_index.push("index.html".into());
    match locate(out, &with_index) {
        Found::File(path) => Some(path),
        _ => None,
    }
}

/// Whether `host` (the `Host` header) names this server: exactly its address and port; also
/// `localhost:port` on loopback; any IP literal with its port when bound to all interfaces
/// (an IP literal cannot be a rebound DNS name).
pub(crate) fn host_allowed(host: Option<&str>, addr: SocketAddr) -> bool {
    let Some(host) = host.map(str::trim) else {
        return false;
    };
    if host.eq_ignore_ascii_case(&addr.to_string()) {
        return true;
    }
    if addr.ip().is_loopback() && host.eq_ignore_ascii_case(&format!("localhost:{}", addr.port())) {
        return true;
    }
    match host.parse::<SocketAddr>() {
        Ok(given) => addr.ip().is_unspecified() && given.port() == addr.port(),
        Err(_) => false,
    }
}

/// `/a/b?x` -> `/a/b/`: the raw target (already checked by [`route`]) with its folder slash.
fn folder_url(target: &str) -> String {
    let path = target.split(['?', '#']).next().unwrap_or_default();
    format!("{path}/")
}

/// The long-poll of the reload script: answers with the current generation as soon as it
/// differs from `since`, or after [`POLL_WAIT`].
fn poll(target: &str, shared: &Shared) -> Reply {
    let since = target
        .split_once("since=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse::<u64>().ok());
    let status = shared.wait_for_change(since, POLL_WAIT);
    text(200, status.generation.to_string())
}

fn file(path: &Path, code: u16, site: &Site) -> Reply {
    let mime = mime_guess::from_path(path).first_or_octet_stream();
    if mime.essence_str() == "text/html" {
        let Ok(bytes) = fs::read(path) else {
            return not_found(site);
        };
        let status = site.shared.status();
        return html(code, &String::from_utf8_lossy(&bytes), &status);
    }
    let content_type = match mime.type_() {
        mime_guess::mime::TEXT => format!("{}; charset=utf-8", mime.essence_str()),
        _ if mime.essence_str() == "image/svg+xml" => "image/svg+xml; charset=utf-8".into(),
        _ => mime.essence_str().to_string(),
    };
    // Streamed: a large asset is never held in memory.
    match fs::File::open(path) {
        Ok(f) => with_headers(Response::from_file(f), code, &content_type),
        Err(_) => not_found(site),
    }
}

/// The site's `404.html` when it has one, else a minimal page; both with the reload script, so
/// a page that appears with the next build shows up by itself.
fn not_found(site: &Site) -> Reply {
    match locate(&site.out, &["404.html".to_string()]) {
        Found::File(path) => file(&path, 404, site),
        _ => html(404, reload::not_found_page(), &site.shared.status()),
    }
}

fn html(code: u16, page: &str, status: &Status) -> Reply {
    let page = reload::inject(page, status.generation, status.failure.as_deref());
    respond(code, "text/html; charset=utf-8", page.into_bytes())
}

fn redirect(to: &str) -> Reply {
    let mut r = text(301, format!("moved to {to}\n"));
    if let Ok(h) = Header::from_bytes("Location", to.as_bytes()) {
        r.add_header(h);
    }
    r
}

fn text(code: u16, body: String) -> Reply {
    respond(code, "text/plain; charset=utf-8", body.into_bytes())
}

/// Every response: its type, no caching (a preview changes under the browser) and no sniffing.
/// No `Access-Control-Allow-Origin`: other sites' scripts must not read the preview.
fn respond(code: u16, content_type: &str, body: Vec<u8>) -> Reply {
    with_headers(Response::from_data(body), code, content_type)
}

fn with_headers<R: Read + Send + 'static>(r: Response<R>, code: u16, content_type: &str) -> Reply {
    let mut r = r.with_status_code(StatusCode(code));
    for (name, value) in [
        ("Content-Type", content_type),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(h) = Header::from_bytes(name, value) {
            r.add_header(h);
        }
    }
    r.boxed()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_route(target: &str) -> Option<Vec<String>> {
        match route(target, "/") {
            Route::File { segments, .. } => Some(segments),
            _ => None,
        }
    }

    #[test]
    fn plain_paths_become_segments() {
        assert_eq!(file_route("/"), Some(vec![]));
        assert_eq!(
            file_route("/a/b.html?x=1#top"),
            Some(vec!["a".into(), "b.html".into()])
        );
        assert_eq!(file_route("//a//b/"), Some(vec!["a".into(), "b".into()]));
        assert_eq!(
            file_route("/%C3%A6bler.csv"),
            Some(vec!["æbler.csv".into()])
        );
        assert_eq!(
            route("/a/", "/"),
            Route::File {
                segments: vec!["a".into()],
                dir: true
            }
        );
    }

    #[test]
    fn traversal_in_any_spelling_is_refused() {
        for target in [
            "/../evalpress.yaml",
            "/a/../../x",
            "/%2e%2e/x",
            "/%2E%2E/x",
            "/.%2e/x",
            "/%2e%2e%2fx",
            "/..%5cx",
            "/..\\x",
            "/a\\..\\..\\x",
            "/%00",
            "/a%00.html",
            "/.evalpress-output",
            "/c:/windows",
            "/%ff%fe",
            "http://evil/x",
            "*",
            "",
        ] {
            assert_eq!(file_route(target), None, "{target}");
        }
    }

    #[test]
    fn double_encoding_is_decoded_once_and_stays_a_name() {
        // `%252e%252e` decodes once to the literal name `%2e%2e`, a file that does not exist.
        assert_eq!(
            file_route("/%252e%252e/x"),
            Some(vec!["%2e%2e".into(), "x".into()])
        );
    }

    #[test]
    fn the_mount_is_required_and_its_root_redirects() {
        assert_eq!(
            route("/", "/rapporter/"),
            Route::Redirect("/rapporter/".into())
        );
        assert_eq!(
            route("/rapporter", "/rapporter/"),
            Route::Redirect("/rapporter/".into())
        );
        assert_eq!(route("/andet/x", "/rapporter/"), Route::NotFound);
        assert_eq!(
            route("/rapporter/a/", "/rapporter/"),
            Route::File {
                segments: vec!["a".into()],
                dir: true
            }
        );
        assert_eq!(
            route("/__evalpress/events?since=3", "/rapporter/"),
            Route::Events
        );
        assert_eq!(route("/__evalpress/changes", "/rapporter/"), Route::Changes);
        assert_eq!(route("/__evalpress/changes/", "/"), Route::Changes);
    }

    #[test]
    fn only_the_servers_own_host_is_answered() {
        let lo: SocketAddr = "127.0.0.1:1111".parse().unwrap();
        assert!(host_allowed(Some("127.0.0.1:1111"), lo));
        assert!(host_allowed(Some("localhost:1111"), lo));
        assert!(host_allowed(Some("LocalHost:1111"), lo));
        assert!(!host_allowed(Some("localhost:2222"), lo));
        assert!(!host_allowed(Some("localhost"), lo));
        assert!(!host_allowed(Some("evil.example:1111"), lo));
        assert!(!host_allowed(Some("127.0.0.1.evil.example:1111"), lo));
        assert!(!host_allowed(None, lo));
        let v6: SocketAddr = "[::1]:8080".parse().unwrap();
        assert!(host_allowed(Some("[::1]:8080"), v6));
        assert!(host_allowed(Some("localhost:8080"), v6));
        let lan: SocketAddr = "192.168.1.5:80".parse().unwrap();
        assert!(host_allowed(Some("192.168.1.5:80"), lan));
        assert!(!host_allowed(Some("localhost:80"), lan));
        assert!(!host_allowed(Some("10.0.0.1:80"), lan));
        let all: SocketAddr = "0.0.0.0:80".parse().unwrap();
        assert!(host_allowed(Some("10.0.0.1:80"), all));
        assert!(!host_allowed(Some("intranet.example:80"), all));
        assert!(!host_allowed(Some("10.0.0.1:81"), all));
    }

    #[test]
    fn symbolic_links_out_of_the_folder_are_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let out = tmp.path().join("out");
        fs::create_dir_all(out.join("sub")).unwrap();
        fs::write(out.join("sub/a.html"), "a").unwrap();
        fs::write(tmp.path().join("secret.txt"), "s").unwrap();
        let seg = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert!(matches!(
            locate(&out, &seg(&["sub", "a.html"])),
            Found::File(_)
        ));
        assert_eq!(locate(&out, &seg(&["sub"])), Found::Folder);
        assert_eq!(locate(&out, &seg(&["nope"])), Found::Nothing);
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(tmp.path().join("secret.txt"), out.join("link.txt"))
                .unwrap();
            std::os::unix::fs::symlink(tmp.path(), out.join("up")).unwrap();
            assert_eq!(locate(&out, &seg(&["link.txt"])), Found::Nothing);
            assert_eq!(locate(&out, &seg(&["up", "secret.txt"])), Found::Nothing);
        }
    }
}
