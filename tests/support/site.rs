//! A host site for the embedding tests (issue #11): a copy of the release build with the example
//! portal pages of `embed/` under `/embed/` (and, when a test wants one, its own config.json),
//! served by the reference backend behind the contract proxy, with the strict
//! Content-Security-Policy it sends on every answer. For the iframe example, a second server
//! (`PortalServer`) plays the portal on another loopback origin with its own strict policy.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::{Duration, Instant};

use super::backend::BackendProcess;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// A site directory under target/embed-site/, removed when dropped.
pub struct SiteDir(pub PathBuf);

impl Drop for SiteDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        // Trunk's staging directory and other dot-files are not part of the build.
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        let kind = entry.file_type()?;
        if kind.is_dir() {
            copy_tree(&entry.path(), &to.join(&name))?;
        } else if kind.is_file() {
            std::fs::copy(entry.path(), to.join(&name))?;
        }
    }
    Ok(())
}

/// The files the entry (handover-console.js) loads, by the names written into it.
fn entry_assets(dir: &Path) -> Option<Vec<String>> {
    let entry = std::fs::read_to_string(dir.join("handover-console.js")).ok()?;
    let names: Vec<String> = entry
        .split("new URL(\"./")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_string)
        .collect();
    (!names.is_empty()).then_some(names)
}

/// Copies `dist/` (whole: another build may be replacing it meanwhile, so the copy is checked
/// and taken again until the entry's wasm and stylesheet are in it) and `embed/` as `/embed/`.
/// `config` replaces the build's config.json.
pub fn assemble(config: Option<&str>) -> SiteDir {
    static MADE: AtomicUsize = AtomicUsize::new(0);
    let dir = root().join("target/embed-site").join(format!(
        "{}-{}",
        std::process::id(),
        MADE.fetch_add(1, Ordering::Relaxed)
    ));
    let dist = super::dist_dir();
    let start = Instant::now();
    loop {
        let _ = std::fs::remove_dir_all(&dir);
        let copied = copy_tree(&dist, &dir);
        let complete = copied.is_ok()
            && dir.join("index.html").is_file()
            && entry_assets(&dir).is_some_and(|names| names.iter().all(|n| dir.join(n).is_file()));
        if complete {
            break;
        }
        assert!(
            start.elapsed() < Duration::from_secs(120),
            "no complete build in {} (copy: {copied:?}); run `trunk build --release`",
            dist.display()
        );
        thread::sleep(Duration::from_millis(500));
    }
    copy_tree(&root().join("embed"), &dir.join("embed")).expect("copy embed/");
    let site = SiteDir(dir);
    if let Some(json) = config {
        site.write_config(json);
    }
    site
}

impl SiteDir {
    /// Replaces config.json (the console fetches it once per page load, without caching).
    pub fn write_config(&self, json: &str) {
        std::fs::write(self.0.join("config.json"), json).expect("write config.json");
    }
}

/// The site served by the reference backend (with the strict CSP), behind the contract proxy.
pub struct EmbedSite {
    pub backend: BackendProcess,
    /// The portal on another origin, for the iframe example.
    pub portal: Option<PortalServer>,
    pub dir: SiteDir,
}

impl EmbedSite {
    /// The site with `config` as config.json (None: the build's `{}`), the backend started with
    /// `extra` flags; pages on `http://localhost:*` may frame it.
    pub fn start(config: Option<&str>, extra: &[&str]) -> EmbedSite {
        let dir = assemble(config);
        let mut flags = vec!["--frame-ancestors", "http://localhost:*"];
        flags.extend_from_slice(extra);
        let backend = BackendProcess::start_serving(&dir.0, &flags);
        EmbedSite {
            backend,
            portal: None,
            dir,
        }
    }

    /// The iframe setting: a portal server on a free port (opened as `http://localhost:PORT`),
    /// and the backend allowing exactly the portal's origins (`localhost` and `127.0.0.1` on
    /// that port) to frame it. `config` makes config.json from the portal's port.
    pub fn start_with_portal(config: impl FnOnce(u16) -> String, extra: &[&str]) -> EmbedSite {
        let portal = PortalServer::bind();
        let dir = assemble(Some(&config(portal.port)));
        let localhost = format!("http://localhost:{}", portal.port);
        let loopback = format!("http://127.0.0.1:{}", portal.port);
        let mut flags = vec![
            "--frame-ancestors",
            localhost.as_str(),
            "--frame-ancestors",
            loopback.as_str(),
        ];
        flags.extend_from_slice(extra);
        let backend = BackendProcess::start_serving(&dir.0, &flags);
        let portal = portal.serve(dir.0.clone(), &backend.base_url);
        EmbedSite {
            backend,
            portal: Some(portal),
            dir,
        }
    }

    /// An address on the console's server: `page("portal.html?token=admin-token")`.
    pub fn page(&self, path: &str) -> String {
        format!("{}/embed/{path}", self.backend.base_url)
    }

    /// Ends the `--fault-401-after` 401s, as signing in again would.
    pub fn reauth(&self) {
        self.backend.reauth();
    }
}

/// A static server for the portal pages on its own port, with a strict policy of its own that
/// lets it frame the console's origin (and nothing else from elsewhere).
pub struct PortalServer {
    pub port: u16,
    listener: Option<TcpListener>,
}

impl PortalServer {
    fn bind() -> PortalServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
        let port = listener.local_addr().expect("local addr").port();
        PortalServer {
            port,
            listener: Some(listener),
        }
    }

    fn serve(mut self, root: PathBuf, app: &str) -> PortalServer {
        let listener = self.listener.take().expect("not serving yet");
        let app_origin = app.trim_end_matches('/').to_string();
        let csp = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             connect-src 'self'; frame-src {app_origin}; frame-ancestors 'self'"
        );
        thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (root, csp) = (root.clone(), csp.clone());
                thread::spawn(move || {
                    let _ = answer(stream, &root, &csp);
                });
            }
        });
        self
    }

    /// `http://localhost:PORT/embed/{path}`: the portal's origin the console trusts.
    pub fn page(&self, path: &str) -> String {
        format!("http://localhost:{}/embed/{path}", self.port)
    }

    /// The same page on `http://127.0.0.1:PORT`: another origin than the one configured.
    pub fn page_elsewhere(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}/embed/{path}", self.port)
    }
}

fn answer(mut stream: TcpStream, root: &Path, csp: &str) -> std::io::Result<()> {
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut request_line = String::new();
    reader.read_line(&mut request_line)?;
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let path = request_line.split_whitespace().nth(1).unwrap_or("/");
    let rel = path
        .split(['?', '#'])
        .next()
        .unwrap_or("/")
        .trim_start_matches('/');
    let file = root.join(rel);
    let found = !rel.is_empty() && !rel.contains("..") && file.is_file();
    let body = if found {
        std::fs::read(&file)?
    } else {
        b"not found".to_vec()
    };
    let mime = match file.extension().and_then(|e| e.to_str()) {
        _ if !found => "text/plain",
        Some("html") => "text/html; charset=utf-8",
        Some("js") => "text/javascript",
        Some("css") => "text/css",
        Some("json") => "application/json",
        _ => "application/octet-stream",
    };
    let status = if found { "200 OK" } else { "404 Not Found" };
    write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {mime}\r\nContent-Length: {}\r\n\
         Content-Security-Policy: {csp}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    )?;
    stream.write_all(&body)
}
