//! `evalpress serve` over real HTTP on 127.0.0.1 (port 0), against temporary copies of
//! `tests/sites/minimal/`: pages with the reload script, path traversal in every encoding, the
//! `Host` check, live reload after an edit (also an editor's rename-into-place save), the error
//! overlay over the last good page, one rebuild for a thousand changed files, output folders
//! that are never watched, and the binary's URL line and network warning. Every wait is bounded.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use evalpress::serve::{ServeOptions, Server, reload::OVERLAY_ID};

/// Longest wait for a rebuild or a response; a stuck server fails the test instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

/// A wider debounce window than the default, so a busy test machine never splits one burst.
const WINDOW: Duration = Duration::from_millis(300);

const PAGE: &str = "content/eksempel/01-kapitel.md";

/// A copy of `tests/sites/minimal` in `<tmp>/site`.
fn minimal_site() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::run::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/minimal"),
        &site,
    );
    (tmp, site)
}

/// A copy of the minimal site, served; keep the temporary folder alive with the server.
fn serve(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf, Server) {
    serve_with(files, WINDOW)
}

fn serve_with(files: &[(&str, &str)], window: Duration) -> (tempfile::TempDir, PathBuf, Server) {
    let (tmp, site) = minimal_site();
    common::tree::write_files(&site, files);
    let opts = ServeOptions {
        port: 0,
        debounce: window,
        ..ServeOptions::new(&site)
    };
    let server = Server::start(&opts, |_| {}).expect("serve starts");
    assert_eq!(
        server.builds(),
        1,
        "the first build happens before start returns"
    );
    (tmp, site, server)
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

/// One raw HTTP/1.1 request, so targets reach the server exactly as written (no client
/// normalises `..` or `\`); `host` is the `Host` header, `None` for the server's own address.
fn request(addr: SocketAddr, target: &str, host: Option<&str>) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(PATIENCE)).unwrap();
    let host = host.map_or_else(|| addr.to_string(), str::to_string);
    let host_line = if host.is_empty() {
        String::new()
    } else {
        format!("Host: {host}\r\n")
    };
    write!(
        stream,
        "GET {target} HTTP/1.1\r\n{host_line}Connection: close\r\n\r\n"
    )
    .unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let raw = String::from_utf8_lossy(&raw).into_owned();
    let (head, body) = raw.split_once("\r\n\r\n").unwrap_or((&raw, ""));
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {raw:?}"));
    Reply {
        status,
        head: head.to_ascii_lowercase(),
        body: body.to_string(),
    }
}

fn get(server: &Server, target: &str) -> Reply {
    request(server.addr(), target, None)
}

/// Waits until `done` holds, failing the test after [`PATIENCE`].
#[track_caller]
fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(start.elapsed() < PATIENCE, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Writes `text` to `path` the way many editors save: a temporary file renamed over it.
fn save_by_rename(path: &Path, text: &str) {
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name().unwrap().to_string_lossy()
    ));
    fs::write(&tmp, text).unwrap();
    fs::rename(&tmp, path).unwrap();
}

#[test]
fn pages_are_served_with_the_reload_script_and_built_files_are_left_as_build_writes_them() {
    let (_tmp, site, server) = serve(&[]);
    let page = get(&server, "/eksempel/");
    assert_eq!(page.status, 200);
    assert!(page.head.contains("content-type: text/html; charset=utf-8"));
    assert!(page.body.contains("Andet kapitel"));
    assert!(page.body.contains("<script>") && page.body.contains("/__evalpress/events"));
    assert!(!page.body.contains(OVERLAY_ID));
    assert!(!page.head.contains("access-control"), "{}", page.head);

    let css = get(&server, "/static/style.css");
    assert_eq!(css.status, 200);
    assert!(css.head.contains("content-type: text/css"), "{}", css.head);
    assert!(!css.body.contains("<script"));

    // Folders without their slash are redirected to it; the front page is index.html.
    let bare = get(&server, "/eksempel");
    assert_eq!(bare.status, 301);
    assert!(bare.head.contains("location: /eksempel/"), "{}", bare.head);
    assert!(get(&server, "/").body.contains("Minimalt testsite"));

    // The files on disk are byte for byte what `evalpress build` writes: no script in them.
    let (_built, public) = common::run::build_site(&site);
    for rel in ["index.html", "eksempel/index.html", "404.html"] {
        let served = fs::read(server.out().join(rel)).unwrap();
        assert_eq!(served, fs::read(public.join(rel)).unwrap(), "{rel}");
        assert!(!String::from_utf8(served).unwrap().contains("<script"));
    }
    assert!(
        server
            .out()
            .starts_with(fs::canonicalize(&site).unwrap().join(".evalpress"))
    );
    assert!(
        !site.join("public").exists(),
        "serve never writes the published folder"
    );
}

#[test]
fn traversal_in_any_encoding_gets_404_and_the_server_keeps_serving() {
    let (_tmp, site, server) = serve(&[]);
    // A secret beside the output folder and one beside the site root.
    fs::write(site.join(".evalpress/secret.txt"), "SECRET-1").unwrap();
    fs::write(site.parent().unwrap().join("secret.txt"), "SECRET-2").unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(site.join("evalpress.yaml"), server.out().join("link.yaml"))
        .unwrap();
    for target in [
        "/../secret.txt",
        "/../../secret.txt",
        "/../../evalpress.yaml",
        "/eksempel/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/%2e%2e/secret.txt",
        "/.%2e/secret.txt",
        "/%2e%2e%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/..%5c..%5csecret.txt",
        "/..\\secret.txt",
        "/..\\..\\evalpress.yaml",
        "/%c0%ae%c0%ae/secret.txt",
        "/index.html%00.txt",
        "/.evalpress-output",
        "/link.yaml",
    ] {
        let reply = get(&server, target);
        assert_eq!(reply.status, 404, "{target}");
        assert!(!reply.body.contains("SECRET"), "{target}");
        assert!(
            !reply.body.contains("Minimalt testsite\n"),
            "{target}: config leaked"
        );
        // The site's own 404 page, with the reload script.
        assert!(reply.body.contains("/__evalpress/events"), "{target}");
        assert_eq!(
            get(&server, "/eksempel/").status,
            200,
            "still serving after {target}"
        );
    }
}

#[test]
fn requests_for_another_host_are_refused() {
    let (_tmp, _site, server) = serve(&[]);
    let port = server.addr().port();
    for host in [
        "evil.example".to_string(),
        format!("evil.example:{port}"),
        format!("127.0.0.1.evil.example:{port}"),
        format!("127.0.0.1:{}", port.wrapping_add(1)),
        format!("localhost:{}", port.wrapping_add(1)),
    ] {
        let reply = request(server.addr(), "/", Some(&host));
        assert_eq!(reply.status, 421, "{host}");
        assert!(!reply.body.contains("Minimalt testsite"), "{host}");
        assert!(
            !reply.body.contains("evil"),
            "{host}: the Host is not echoed"
        );
    }
    let no_host = request(server.addr(), "/", Some(""));
    assert!(no_host.status >= 400, "no Host: {}", no_host.status);
    assert_eq!(
        request(server.addr(), "/", Some(&format!("localhost:{port}"))).status,
        200
    );
    assert_eq!(get(&server, "/").status, 200);
}

#[test]
fn an_edit_sends_a_reload_event_and_the_new_content_is_served() {
    let (_tmp, site, server) = serve(&[]);
    let addr = server.addr();
    // A page's reload poll, waiting before the edit.
    let poll = std::thread::spawn(move || request(addr, "/__evalpress/events?since=1", None));
    std::thread::sleep(Duration::from_millis(200));
    let text = fs::read_to_string(site.join(PAGE)).unwrap();
    save_by_rename(
        &site.join(PAGE),
        &text.replace("Andet kapitel", "Nyt kapitel"),
    );
    let event = poll.join().unwrap();
    assert_eq!(event.status, 200);
    assert_eq!(
        event.body.trim(),
        "2",
        "the poll answers with the new generation"
    );
    let page = get(&server, "/eksempel/");
    assert!(page.body.contains("Nyt kapitel"), "{}", page.body);
    assert!(page.body.contains("var g=2;"));

    // Every save is seen, the same way again.
    save_by_rename(
        &site.join(PAGE),
        &text.replace("Andet kapitel", "Tredje kapitel"),
    );
    wait_until("the second save", || {
        get(&server, "/eksempel/").body.contains("Tredje kapitel")
    });
    wait_until("the third build to count", || server.builds() == 3);
}

#[test]
fn a_broken_edit_shows_the_escaped_errors_over_the_last_good_page_until_it_is_fixed() {
    let (_tmp, site, server) = serve(&[]);
    let index = site.join("content/eksempel/index.md");
    let good = fs::read_to_string(&index).unwrap();
    let broken = good.replace(
        "kind: notat",
        "kind: notat\n\"<script>alert(1)</script>\": x",
    );
    fs::write(&index, broken).unwrap();
    wait_until("the failed build", || server.builds() == 2);

    let page = get(&server, "/eksempel/");
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Andet kapitel"),
        "the last good page stays up"
    );
    assert!(page.body.contains(OVERLAY_ID));
    assert!(page.body.contains("content/eksempel/index.md:4:1: error: unknown field `&lt;script&gt;alert(1)&lt;/script&gt;`"), "{}", page.body);
    assert!(!page.body.contains("<script>alert"));
    // Pages that do not exist show the errors too.
    assert!(get(&server, "/findes-ikke/").body.contains(OVERLAY_ID));

    fs::write(&index, good.replace("Se [@boks-eksempel].", "Rettet.")).unwrap();
    wait_until("the fixed build", || server.builds() == 3);
    let page = get(&server, "/eksempel/");
    assert!(!page.body.contains(OVERLAY_ID));
    assert!(page.body.contains("Rettet."));
}

#[test]
fn a_thousand_files_changed_at_once_give_one_rebuild() {
    let bulk: Vec<(String, String)> = (0..1000)
        .map(|i| {
            (
                format!("themes/default/static/bulk/f{i:04}.txt"),
                "før\n".to_string(),
            )
        })
        .collect();
    let files: Vec<(&str, &str)> = bulk.iter().map(|(p, t)| (p.as_str(), t.as_str())).collect();
    // A full second of quiet ends the burst: a test machine busy with other tests may pause
    // the writing loop below for a moment, which must not end the burst early.
    let window = Duration::from_secs(1);
    let (_tmp, site, server) = serve_with(&files, window);
    assert_eq!(get(&server, "/static/bulk/f0999.txt").body, "før\n");
    // As a checkout does: every file rewritten, some by rename, a new folder on the way.
    for (i, (path, _)) in bulk.iter().enumerate() {
        if i % 3 == 0 {
            save_by_rename(&site.join(path), "efter\n");
        } else {
            fs::write(site.join(path), "efter\n").unwrap();
        }
    }
    fs::create_dir_all(site.join("themes/default/static/ny")).unwrap();
    fs::write(site.join("themes/default/static/ny/a.txt"), "ny\n").unwrap();
    wait_until("the rebuild", || server.builds() >= 2);
    std::thread::sleep(window * 2);
    assert_eq!(server.builds(), 2, "one rebuild for the whole burst");
    assert_eq!(get(&server, "/static/bulk/f0999.txt").body, "efter\n");
    assert_eq!(get(&server, "/static/ny/a.txt").body, "ny\n");
}

#[test]
fn the_output_folders_and_other_files_are_not_watched() {
    let (_tmp, site, server) = serve(&[]);
    fs::create_dir_all(site.join("public")).unwrap();
    fs::write(site.join("public/index.html"), "x").unwrap();
    fs::write(site.join(".evalpress/note.txt"), "x").unwrap();
    fs::write(server.out().join("extra.html"), "x").unwrap();
    fs::create_dir_all(site.join("target")).unwrap();
    fs::write(site.join("target/x"), "x").unwrap();
    fs::write(site.join("README.md"), "x").unwrap();
    fs::write(site.join("content/eksempel/.index.md.swp"), "x").unwrap();
    fs::write(site.join("content/eksempel/index.md~"), "x").unwrap();
    std::thread::sleep(WINDOW * 4);
    assert_eq!(server.builds(), 1);
    // evalpress.yaml is watched, also when an editor replaces it.
    save_by_rename(&site.join("evalpress.yaml"), "title: Nyt navn\n");
    wait_until("the config rebuild", || {
        get(&server, "/").body.contains("Nyt navn")
    });
}

/// The binary, in the background; killed when the guard is dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn the_binary_prints_its_url_and_warns_when_not_on_loopback() {
    let (_tmp, site) = minimal_site();
    let mut child = common::guarded::command(&site, &["serve", "--port", "0", "--bind", "0.0.0.0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let _running = Running(child);
    let mut lines = BufReader::new(stderr).lines();
    let mut seen = Vec::new();
    let url = loop {
        let line = lines.next().expect("serve printed its URL").unwrap();
        seen.push(line.clone());
        if let Some(url) = line
            .split(" at ")
            .nth(1)
            .filter(|_| line.starts_with("serving "))
        {
            break url.split(' ').next().unwrap().to_string();
        }
    };
    assert!(
        seen[0].starts_with("warning: listening on 0.0.0.0, not on loopback"),
        "{seen:?}"
    );
    let port: u16 = url
        .trim_end_matches('/')
        .rsplit(':')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse().unwrap();
    let reply = request(addr, "/eksempel/", None);
    assert_eq!(reply.status, 200);
    assert!(reply.body.contains("Andet kapitel"));
    assert_eq!(
        request(addr, "/", Some(&format!("intranet.example:{port}"))).status,
        421
    );
}

/// Sends `raw` as it is and returns what came back (perhaps nothing: a closed connection).
fn send_raw(addr: SocketAddr, raw: &[u8]) -> String {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(raw);
    let mut back = Vec::new();
    let _ = stream.read_to_end(&mut back);
    String::from_utf8_lossy(&back).into_owned()
}

#[test]
fn malformed_requests_are_refused_and_the_server_keeps_serving() {
    let (_tmp, _site, server) = serve(&[]);
    let addr = server.addr();
    let host = format!("Host: {addr}\r\n");
    let long = format!(
        "GET /{} HTTP/1.1\r\n{host}Connection: close\r\n\r\n",
        "a".repeat(100_000)
    );
    for raw in [
        "NONSENSE\r\n\r\n".to_string(),
        "GET\r\n\r\n".to_string(),
        "\u{0}\u{1}\u{2}\r\n\r\n".to_string(),
        format!("GET / HTTP/9.9\r\n{host}\r\n"),
        format!("GET http://{addr}/ HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        format!("GET /eksempel/\u{7f}x HTTP/1.1\r\n{host}Connection: close\r\n\r\n"),
        long,
    ] {
        let back = send_raw(addr, raw.as_bytes());
        assert!(!back.contains("Andet kapitel"), "{raw:.60}: {back:.200}");
        assert_eq!(
            get(&server, "/eksempel/").status,
            200,
            "still serving after {raw:.60}"
        );
    }
    let post = send_raw(
        addr,
        format!(
            "POST /eksempel/ HTTP/1.1\r\n{host}Content-Length: 2\r\nConnection: close\r\n\r\nab"
        )
        .as_bytes(),
    );
    assert!(post.starts_with("HTTP/1.1 405"), "{post:.200}");
    // A poll with a nonsense generation answers at once with the current one.
    assert_eq!(get(&server, "/__evalpress/events?since=x").body, "1");
}

#[test]
fn a_port_in_use_or_a_missing_root_is_an_error_with_help() {
    let (_tmp, site, server) = serve(&[]);
    let taken = ServeOptions {
        port: server.addr().port(),
        ..ServeOptions::new(&site)
    };
    let err = Server::start(&taken, |_| {})
        .err()
        .expect("the port is taken");
    assert!(
        err.message.starts_with("cannot listen on 127.0.0.1:"),
        "{err}"
    );
    assert!(err.help.contains("--port"), "{err}");
    let missing = ServeOptions::new(site.join("findes-ikke"));
    let err = Server::start(&missing, |_| {}).err().expect("no such root");
    assert!(
        err.message.starts_with("cannot open the site root"),
        "{err}"
    );
    assert!(err.help.contains("--root"), "{err}");
    assert_eq!(get(&server, "/").status, 200);
}

#[test]
fn a_base_path_is_served_under_that_path() {
    let (_tmp, site) = minimal_site();
    let opts = ServeOptions {
        port: 0,
        base_url: Some("/rapporter/".into()),
        ..ServeOptions::new(&site)
    };
    let server = Server::start(&opts, |_| {}).unwrap();
    assert!(server.url().ends_with("/rapporter/"), "{}", server.url());
    let root = get(&server, "/");
    assert_eq!(root.status, 301);
    assert!(root.head.contains("location: /rapporter/"), "{}", root.head);
    let page = get(&server, "/rapporter/eksempel/");
    assert_eq!(page.status, 200);
    assert!(page.body.contains("href=\"/rapporter/static/style.css\""));
    assert_eq!(get(&server, "/rapporter/static/style.css").status, 200);
    assert_eq!(get(&server, "/eksempel/").status, 404);
    // HEAD: the headers of GET, no body.
    let head = send_raw(
        server.addr(),
        format!(
            "HEAD /rapporter/eksempel/ HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
            server.addr()
        )
        .as_bytes(),
    );
    assert!(head.starts_with("HTTP/1.1 200"), "{head:.200}");
    assert!(head.ends_with("\r\n\r\n"), "no body: {head:.300}");
}

#[test]
fn the_changes_page_lists_a_changed_cell_after_an_edit() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("site");
    common::run::copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/sites/changes/site"),
        &site,
    );
    let opts = ServeOptions {
        port: 0,
        debounce: WINDOW,
        ..ServeOptions::new(&site)
    };
    let server = Server::start(&opts, |_| {}).expect("serve starts");
    assert!(server.changes_url().ends_with("/__evalpress/changes"));
    let page = get(&server, "/__evalpress/changes");
    assert_eq!(page.status, 200);
    assert!(page.head.contains("content-type: text/html; charset=utf-8"));
    assert!(
        page.body.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<title>Changes since the previous build")
    );
    assert!(
        page.body.contains("No earlier build to compare with"),
        "{}",
        page.body
    );
    // It reloads after each rebuild like every page.
    assert!(page.body.contains("/__evalpress/events?since="));

    let csv = site.join("data/forloeb.csv");
    let text = fs::read_to_string(&csv).unwrap();
    fs::write(&csv, text.replace("Aarhus;120;", "Aarhus;130;")).unwrap();
    wait_until("the rebuild", || server.builds() >= 2);
    let page = get(&server, "/__evalpress/changes/");
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("<td>Tabel 1</td><td>Aarhus, Påbegyndt</td><td>120 → 130</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<td>[=aarhus]</td><td></td><td>120 → 130</td>")
    );
    // Serve keeps the changes of its own folder, apart from `build`'s `public/`.
    let state = site.join(".evalpress/changes/evalpress-serve/changes.md");
    assert!(fs::read_to_string(state).unwrap().contains("| 120 | 130 |"));
    assert!(!site.join(".evalpress/changes/public").exists());

    // A failed build keeps the list of the last published one.
    fs::write(&csv, "Kommune;Antal\nAarhus;x;\n").unwrap();
    wait_until("the failed rebuild", || server.builds() >= 3);
    let page = get(&server, "/__evalpress/changes");
    assert!(page.body.contains("120 → 130"), "{}", page.body);
}

#[cfg(unix)]
#[test]
fn ctrl_c_stops_the_binary_cleanly_with_exit_code_0() {
    let (_tmp, site) = minimal_site();
    let mut child = common::guarded::command(&site, &["serve", "--port", "0"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
    let mut running = Running(child);
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|l: &String| l.starts_with("what changed since"))
    {
        seen.push(lines.next().expect("serve printed its URLs").unwrap());
    }
    let changes = seen.last().unwrap();
    assert!(
        changes.starts_with("what changed since the previous build: http://127.0.0.1:")
            && changes.ends_with("/__evalpress/changes"),
        "{seen:?}"
    );
    let sent = std::process::Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .unwrap();
    assert!(sent.success());
    let start = Instant::now();
    let status = loop {
        if let Some(status) = running.0.try_wait().unwrap() {
            break status;
        }
        assert!(start.elapsed() < PATIENCE, "serve did not stop on Ctrl-C");
        std::thread::sleep(Duration::from_millis(20));
    };
    let rest: Vec<String> = lines.map_while(Result::ok).collect();
    assert_eq!(status.code(), Some(0), "{rest:?}");
    assert!(
        rest.iter()
            .any(|l| l.starts_with("stopped: the preview server")),
        "{rest:?}"
    );
}
