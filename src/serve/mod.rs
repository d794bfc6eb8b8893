//! Serve stage: site root -> a live preview on `http://127.0.0.1:<port>/`, rebuilt on every
//! change of the sources, reloading the browser.
//!
//! Input: [`ServeOptions`]. Output: a running [`Server`] and [`ServeEvent`]s through a callback
//! (the library never prints; `main.rs` shows them). Each build is the ordinary
//! [`crate::build`] into [`OUTPUT_DIR`] under the root, never into `public/`, so drafts and
//! half-finished edits cannot land where the site is published; its atomic swap keeps the last
//! good pages when a build fails, and the failure is shown over them as an overlay. Built files
//! stay byte-identical to `evalpress build`: the reload script and the overlay are added to HTML
//! responses as they are sent ([`reload`]). Each published build records its `changes`
//! snapshot for the serve folder as `build` does, and the diff is shown at [`CHANGES_PATH`]
//! (reloading after each rebuild). [`http`] answers requests, [`watch`] turns bursts of
//! file events into one rebuild; a [`Stopper`] ends a running server from another thread. This stage must not serve anything outside the output folder,
//! watch the output folder, or listen beyond loopback unless it is asked to.

mod http;
pub mod reload;
mod watch;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::changes::Diff;
use crate::diagnostics::{Diagnostic, Pos};
use crate::{BuildOptions, Outcome};

/// Where `serve` builds, relative to the site root (inside the project's state folder).
pub const OUTPUT_DIR: &str = ".evalpress/serve";

pub use reload::CHANGES_PATH;

/// The default port of `evalpress serve`.
pub const DEFAULT_PORT: u16 = 1111;

/// The default debounce window: events closer together than this are one burst.
pub const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(50);

/// Requests answered at once; more get `503` (each open page holds one reload poll).
const MAX_REQUESTS: usize = 64;

/// What `evalpress serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub root: PathBuf,
    /// The address to listen on; loopback unless the user asks otherwise.
    pub bind: IpAddr,
    /// 0 picks any free port (see [`Server::url`]).
    pub port: u16,
    /// Overrides the config's `base_url`; by default the preview is built for `/`.
    pub base_url: Option<String>,
    pub drafts: bool,
    /// Build the search index on every rebuild (`--search`); without it the preview's search
    /// page says that search is built by `evalpress build`.
    pub search: bool,
    pub build_date: Option<String>,
    pub debounce: Duration,
}

impl ServeOptions {
    /// Loopback, the default port and window, no drafts.
    pub fn new(root: impl Into<PathBuf>) -> ServeOptions {
        ServeOptions {
            root: root.into(),
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: DEFAULT_PORT,
            base_url: None,
            drafts: false,
            search: false,
            build_date: None,
            debounce: DEFAULT_DEBOUNCE,
        }
    }
}

/// What the server reports to the binary.
#[derive(Debug)]
pub enum ServeEvent {
    /// A rebuild starts because these paths (relative to the root) changed; the empty path
    /// means "anything" (the watcher lost events).
    Rebuilding { changed: Vec<PathBuf> },
    /// A build finished; on failure the previous pages stay up with an overlay.
    /// (Boxed: an outcome is much larger than the other variant.)
    Built {
        outcome: Box<Outcome>,
        took: Duration,
    },
}

/// The build status the HTTP side reads: every finished build bumps `generation`.
#[derive(Debug, Clone, Default)]
pub(crate) struct Status {
    pub generation: u64,
    pub builds: u64,
    /// The diagnostics of the last build when it failed.
    pub failure: Option<Vec<Diagnostic>>,
    /// What the last published build changed (kept while later builds fail).
    pub changes: Option<Arc<Diff>>,
    pub stopping: bool,
}

/// The status shared by the rebuild loop and the request threads, with a condition variable
/// that wakes the reload polls.
#[derive(Debug, Default)]
pub(crate) struct Shared {
    status: Mutex<Status>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Status> {
        // A panicking request thread must not take the preview down with it.
        self.status.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(crate) fn status(&self) -> Status {
        self.lock().clone()
    }

    fn update(&self, f: impl FnOnce(&mut Status)) {
        f(&mut self.lock());
        self.changed.notify_all();
    }

    /// The status once its generation differs from `since` (at once when `since` is unknown),
    /// or after `wait`.
    pub(crate) fn wait_for_change(&self, since: Option<u64>, wait: Duration) -> Status {
        let guard = self.lock();
        let (guard, _) = self
            .changed
            .wait_timeout_while(guard, wait, |s| {
                !s.stopping && since.is_some_and(|g| g == s.generation)
            })
            .unwrap_or_else(|e| e.into_inner());
        guard.clone()
    }
}

/// A running preview: it serves and rebuilds until dropped (or, from `main`, forever).
pub struct Server {
    addr: SocketAddr,
    mount: String,
    out: PathBuf,
    shared: Arc<Shared>,
    http: Arc<tiny_http::Server>,
    stop_watch: std::sync::mpsc::Sender<watch::Message>,
    threads: Vec<JoinHandle<()>>,
}

impl Server {
    /// Builds the site once, then listens and watches. Fails only when the root or the port
    /// cannot be used; a failing build is served as an overlay.
    pub fn start(
        opts: &ServeOptions,
        on_event: impl Fn(ServeEvent) + Send + Sync + 'static,
    ) -> Result<Server, Diagnostic> {
        let root = std::fs::canonicalize(&opts.root).map_err(|e| {
            Diagnostic::error(
                &opts.root,
                Pos::FILE,
                format!("cannot open the site root: {e}"),
            )
            .help("run evalpress in the site's folder or pass --root DIR")
        })?;
        let wanted = SocketAddr::new(opts.bind, opts.port);
        let http = tiny_http::Server::http(wanted).map_err(|e| {
            Diagnostic::error(
                &opts.root,
                Pos::FILE,
                format!("cannot listen on {wanted}: {e}"),
            )
            .help("choose another port with --port (0 picks a free one)")
        })?;
        let addr = http.server_addr().to_ip().unwrap_or(wanted);
        let base_url = opts.base_url.clone().unwrap_or_else(|| "/".into());
        let build = BuildOptions {
            root: root.clone(),
            out: Some(root.join(OUTPUT_DIR)),
            base_url: Some(base_url.clone()),
            strict: false,
            drafts: opts.drafts,
            write: true,
            build_date: opts.build_date.clone(),
            no_cache: false,
            search_index: opts.search,
        };
        // Watch before the first build, so an edit made while it runs is not missed.
        let (watch, stop_watch) = watch::Watch::start(&root, opts.debounce).map_err(|e| {
            Diagnostic::error(
                &opts.root,
                Pos::FILE,
                format!("cannot watch the sources: {e}"),
            )
            .help("on Linux, raise fs.inotify.max_user_watches (sysctl) and try again")
        })?;
        let shared = Arc::new(Shared::default());
        let on_event: Arc<dyn Fn(ServeEvent) + Send + Sync> = Arc::new(on_event);
        // The builds keep the cache's state in memory from one to the next.
        let mut session = crate::Session::default();
        rebuild(&build, &shared, on_event.as_ref(), &mut session);
        let mut server = Server {
            addr,
            mount: crate::config::base_path_of(&base_url),
            out: root.join(OUTPUT_DIR),
            shared,
            http: Arc::new(http),
            stop_watch,
            threads: Vec::new(),
        };
        server.threads.push(server.spawn_http());
        let shared = Arc::clone(&server.shared);
        server.threads.push(std::thread::spawn(move || {
            rebuild_loop(watch, &build, &shared, on_event.as_ref(), session)
        }));
        Ok(server)
    }

    /// The address the server listens on (with the port chosen when asked for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The preview's front page, e.g. `http://127.0.0.1:1111/`.
    pub fn url(&self) -> String {
        format!("http://{}{}", self.addr, self.mount)
    }

    /// The page listing what the last published build changed, e.g.
    /// `http://127.0.0.1:1111/__evalpress/changes`.
    pub fn changes_url(&self) -> String {
        format!("http://{}{CHANGES_PATH}", self.addr)
    }

    /// A handle that stops this server from another thread (a Ctrl-C handler): [`Server::wait`]
    /// then returns.
    pub fn stopper(&self) -> Stopper {
        Stopper {
            shared: Arc::clone(&self.shared),
            http: Arc::clone(&self.http),
            watch: self.stop_watch.clone(),
        }
    }

    /// Stops the watcher, the rebuild loop and the listener, and waits for them to end.
    pub fn stop(self) {
        drop(self);
    }

    /// The folder the preview is built into and served from.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// How many builds have finished, the first one included.
    pub fn builds(&self) -> u64 {
        self.shared.status().builds
    }

    /// Blocks while the server runs: until a [`Stopper`] stops it, or the process ends.
    pub fn wait(mut self) {
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }

    fn spawn_http(&self) -> JoinHandle<()> {
        let http = Arc::clone(&self.http);
        let site = Arc::new(http::Site {
            out: self.out.clone(),
            mount: self.mount.clone(),
            addr: self.addr,
            shared: Arc::clone(&self.shared),
        });
        std::thread::spawn(move || {
            let busy = Arc::new(AtomicUsize::new(0));
            for request in http.incoming_requests() {
                if busy.fetch_add(1, Ordering::SeqCst) >= MAX_REQUESTS {
                    busy.fetch_sub(1, Ordering::SeqCst);
                    let _ = request.respond(tiny_http::Response::empty(503));
                    continue;
                }
                let (site, busy) = (Arc::clone(&site), Arc::clone(&busy));
                std::thread::spawn(move || {
                    http::handle(request, &site);
                    busy.fetch_sub(1, Ordering::SeqCst);
                });
            }
        })
    }
}

/// Stops a running [`Server`] from any thread; stopping twice is harmless.
#[derive(Clone)]
pub struct Stopper {
    shared: Arc<Shared>,
    http: Arc<tiny_http::Server>,
    watch: std::sync::mpsc::Sender<watch::Message>,
}

impl Stopper {
    /// Ends the watcher and the rebuild loop (after a build in progress), stops accepting
    /// requests and answers the open reload polls.
    pub fn stop(&self) {
        self.shared.update(|s| s.stopping = true);
        self.http.unblock();
        let _ = self.watch.send(watch::Message::Stop);
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stopper().stop();
        for t in std::mem::take(&mut self.threads) {
            let _ = t.join();
        }
    }
}

/// Rebuilds once per burst of changes until the server stops.
fn rebuild_loop(
    mut watch: watch::Watch,
    build: &BuildOptions,
    shared: &Shared,
    on_event: &(dyn Fn(ServeEvent) + Send + Sync),
    mut session: crate::Session,
) {
    while let Some(changed) = watch.next_batch() {
        session.changed(changed.clone());
        on_event(ServeEvent::Rebuilding {
            changed: changed.into_iter().collect(),
        });
        rebuild(build, shared, on_event, &mut session);
    }
}

/// One build into the serve folder; the status (and so every open page) learns its result.
fn rebuild(
    build: &BuildOptions,
    shared: &Shared,
    on_event: &(dyn Fn(ServeEvent) + Send + Sync),
    session: &mut crate::Session,
) {
    let started = Instant::now();
    // A bug that panics in one build must not stop the preview: it is shown like any error
    // (and the next build reads the state from disk).
    let build_in = || crate::build_in(session, build, &|_| {});
    let outcome = std::panic::catch_unwind(AssertUnwindSafe(build_in))
        .unwrap_or_else(|_| Outcome {
            diagnostics: vec![
                Diagnostic::error(".", Pos::FILE, "internal error: the build stopped (a panic)")
                    .help("please report it with the last edit; the last good pages stay up, and the next change builds again"),
            ],
            ..Outcome::default()
        });
    let failure = (!outcome.succeeded()).then(|| outcome.diagnostics.clone());
    let changes = outcome.changes.clone().map(Arc::new);
    shared.update(|s| {
        s.generation += 1;
        s.builds += 1;
        s.failure = failure;
        if changes.is_some() {
            s.changes = changes;
        }
    });
    on_event(ServeEvent::Built {
        outcome: Box::new(outcome),
        took: started.elapsed(),
    }); // Saved once the pages are out (and the browser told to reload).
    session.flush();
}
