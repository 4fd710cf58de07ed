//! A real PostgreSQL server for the tests, one per test binary, started on first use: `initdb`
//! into a temporary folder, `postgres` on a free loopback port (and its socket in that folder),
//! trust authentication on loopback only. As root (CI), both run as the `postgres` user (they
//! refuse root). A watcher process stops the server and removes the folder when the test
//! binary exits, however it exits: nothing is left behind.
//!
//! The binaries come from `HOC_PG_BIN`, else the newest /usr/lib/postgresql/*/bin (Debian's
//! `postgresql` package, which `tools/setup.sh test` installs), else `pg_config --bindir`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub struct PgServer {
    bin: PathBuf,
    port: u16,
    dir: PathBuf,
    databases: AtomicUsize,
}

static SERVER: OnceLock<PgServer> = OnceLock::new();

pub fn server() -> &'static PgServer {
    SERVER.get_or_init(PgServer::start)
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

fn bin_dir() -> PathBuf {
    if let Some(p) = std::env::var_os("HOC_PG_BIN") {
        return PathBuf::from(p);
    }
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| {
            let v = e.file_name().to_string_lossy().parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("postgres").is_file().then_some((v, bin))
        })
        .collect();
    found.sort();
    if let Some((_, bin)) = found.pop() {
        return bin;
    }
    Command::new("pg_config")
        .arg("--bindir")
        .output()
        .ok()
        .map(|o| PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()))
        .filter(|p| p.join("postgres").is_file())
        .unwrap_or_else(|| {
            panic!(
                "PostgreSQL is not installed: run `tools/setup.sh test` (Debian's postgresql \
                 package) or set HOC_PG_BIN to the folder with initdb and postgres"
            )
        })
}

/// `program args…`, as the postgres user when we are root.
fn as_owner(root: bool, program: &Path) -> Command {
    if root {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(program);
        c
    } else {
        Command::new(program)
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port()
}

impl PgServer {
    fn start() -> PgServer {
        let bin = bin_dir();
        let root = is_root();
        let dir = std::env::temp_dir().join(format!("hoc-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create the PostgreSQL folder");
        if root {
            let ok = Command::new("chown")
                .args(["postgres:postgres"])
                .arg(&dir)
                .status()
                .is_ok_and(|s| s.success());
            assert!(ok, "chown {} to the postgres user", dir.display());
        }
        let data = dir.join("data");
        let out = as_owner(root, &bin.join("initdb"))
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"])
            .arg("--no-instructions")
            .output()
            .expect("run initdb");
        assert!(
            out.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let port = free_port();
        let log = std::fs::File::create(dir.join("server.log")).expect("log file");
        let mut server = as_owner(root, &bin.join("postgres"));
        server
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&dir)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            // Test data: no fsync, and room for several backends' pools.
            .args(["-F", "-c", "max_connections=300"])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log);
        let child = server.spawn().expect("start postgres");
        // Stops the server and removes the folder once this test binary has exited.
        let watcher = format!(
            "while kill -0 {me} 2>/dev/null; do sleep 0.2; done; \
             pid=$(head -n 1 '{dir}/data/postmaster.pid' 2>/dev/null); \
             [ -n \"$pid\" ] && kill -INT \"$pid\" 2>/dev/null; kill {child} 2>/dev/null; \
             for _ in $(seq 100); do [ -n \"$pid\" ] && kill -0 \"$pid\" 2>/dev/null || break; sleep 0.1; done; \
             rm -rf '{dir}'",
            me = std::process::id(),
            dir = dir.display(),
            child = child.id(),
        );
        let watcher = Command::new("sh")
            .args(["-c", &watcher])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start the PostgreSQL watcher");
        // Both outlive this process on purpose: the watcher ends the server after it exits.
        std::mem::forget(watcher);
        std::mem::forget(child);
        let s = PgServer {
            bin,
            port,
            dir,
            databases: AtomicUsize::new(0),
        };
        s.wait_ready();
        s
    }

    fn wait_ready(&self) {
        let start = Instant::now();
        loop {
            let ok = Command::new(self.bin.join("pg_isready"))
                .args(["-q", "-h", "127.0.0.1", "-p", &self.port.to_string()])
                .status()
                .is_ok_and(|s| s.success());
            if ok {
                return;
            }
            if start.elapsed() > Duration::from_secs(30) {
                let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
                panic!("PostgreSQL did not start:\n{log}");
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// A new empty database; its URL.
    pub fn new_database(&self) -> String {
        let name = format!("t{}", self.databases.fetch_add(1, Ordering::Relaxed));
        let out = Command::new(self.bin.join("createdb"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &self.port.to_string(),
                "-U",
                "postgres",
            ])
            .arg(&name)
            .output()
            .expect("run createdb");
        assert!(
            out.status.success(),
            "createdb failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port)
    }
}
