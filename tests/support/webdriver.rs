//! A minimal W3C WebDriver client over chromedriver (and geckodriver, for the one Firefox run).
//! Blocking on purpose: tests read top to bottom like the user's actions. Elements are found by
//! role and accessible name through WebDriver's computedrole / computedlabel, i.e. the browser's
//! own accessibility tree (Chromium's, or Firefox's under `launch_firefox`).

use serde_json::{json, Value};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

const ELEMENT_KEY: &str = "element-6066-11e4-a52e-4f735466cecf";
const WAIT: Duration = Duration::from_secs(15);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element(pub String);

pub struct Browser {
    agent: ureq::Agent,
    session: String,
    driver: Child,
    engine: Engine,
    _profile: TempDir,
}

/// Which browser a session drives, and what only that browser needs.
enum Engine {
    Chromium,
    /// geckodriver has no log endpoint: Firefox prints the page's console errors and uncaught
    /// exceptions to its stdout (`devtools.console.stdout.content`), which geckodriver passes on
    /// to `log`; `read` is how far `console_errors` has read it. `pid` is Firefox's own process,
    /// so Drop can end it should geckodriver not.
    Firefox {
        log: PathBuf,
        read: AtomicU64,
        pid: Option<u32>,
    },
}

/// A throwaway Chromium profile, so runs never share storage.
struct TempDir(std::path::PathBuf);

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

impl Browser {
    /// Starts chromedriver and a headless Chromium whose preferred languages are
    /// `accept_languages` (e.g. "zh-CN,zh" or "en-US,en").
    pub fn launch(accept_languages: &str) -> Browser {
        Browser::start(None, accept_languages, &[])
    }

    /// Like `launch`, with extra Chromium switches (the benchmarks' `--enable-precise-memory-info`,
    /// `--js-flags=--expose-gc`). With `HOC_BENCH_TRACE=trace.json` in the environment, Chromium
    /// also records its own timeline of the page (tasks, scripts, requests, layouts, paints)
    /// into that file, to see where a benchmark's time goes.
    pub fn launch_with(accept_languages: &str, extra_args: &[&str]) -> Browser {
        let trace: Vec<String> = std::env::var("HOC_BENCH_TRACE")
            .into_iter()
            .flat_map(|file| {
                [
                    "--trace-startup=devtools.timeline,disabled-by-default-devtools.timeline,\
                     v8.execute,toplevel,blink,blink.user_timing,disabled-by-default-v8.cpu_profiler"
                        .to_string(),
                    format!("--trace-startup-file={file}"),
                    "--trace-startup-duration=30".to_string(),
                    "--trace-startup-format=json".to_string(),
                ]
            })
            .collect();
        let args: Vec<&str> = extra_args
            .iter()
            .copied()
            .chain(trace.iter().map(String::as_str))
            .collect();
        Browser::start(None, accept_languages, &args)
    }

    /// Like `launch`, in the time zone `tz` (e.g. "Asia/Shanghai"): Chromium takes its zone
    /// from the `TZ` of its environment, which it inherits from chromedriver.
    pub fn launch_in(tz: &str, accept_languages: &str) -> Browser {
        Browser::start(Some(tz), accept_languages, &[])
    }

    /// Like `launch`, with cross-site iframes in the page's own renderer process (no site
    /// isolation): WebDriver's computedrole / computedlabel cannot see into an out-of-process
    /// frame, so `by_role` inside a cross-origin `<iframe>` needs this. Origins, and what the
    /// browser enforces between them (postMessage, CSP), are unchanged.
    pub fn launch_for_frames(accept_languages: &str) -> Browser {
        Browser::start(
            None,
            accept_languages,
            &[
                "--disable-site-isolation-trials",
                "--disable-features=IsolateOrigins,site-per-process",
            ],
        )
    }

    fn start(tz: Option<&str>, accept_languages: &str, extra_args: &[&str]) -> Browser {
        let port = free_port();
        let mut command = Command::new("chromedriver");
        if let Some(tz) = tz {
            command.env("TZ", tz);
        }
        let driver = command
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver (apt-get install chromium-driver)");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let root = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent.get(&format!("{root}/status")).call().is_err() {
            assert!(start.elapsed() < WAIT, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let profile = std::env::temp_dir().join(format!("hoc-e2e-{port}-{}", std::process::id()));
        let first_lang = accept_languages.split(',').next().unwrap_or("en-US");
        let mut chrome = json!({
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                format!("--lang={first_lang}"),
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": { "intl.accept_languages": accept_languages },
        });
        if let Some(args) = chrome["args"].as_array_mut() {
            args.extend(extra_args.iter().map(|a| json!(a)));
        }
        if std::path::Path::new("/usr/bin/chromium").exists() {
            chrome["binary"] = json!("/usr/bin/chromium");
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": chrome,
            "goog:loggingPrefs": { "browser": "ALL" },
        }}});
        let mut resp = agent
            .post(&format!("{root}/session"))
            .send_json(&caps)
            .expect("new WebDriver session");
        let v: Value = resp.body_mut().read_json().expect("session json");
        let id = v["value"]["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {v}"))
            .to_string();
        Browser {
            agent,
            session: format!("{root}/session/{id}"),
            driver,
            engine: Engine::Chromium,
            _profile: TempDir(profile),
        }
    }

    /// Starts geckodriver and a headless Firefox (Debian's firefox-esr when installed) whose
    /// preferred languages are `accept_languages`. HOME, the profile and the driver's output all
    /// live in a throwaway directory, so it runs as root and leaves nothing behind.
    pub fn launch_firefox(accept_languages: &str) -> Browser {
        let port = free_port();
        let dir = std::env::temp_dir().join(format!("hoc-e2e-ff-{port}-{}", std::process::id()));
        let home = dir.join("home");
        std::fs::create_dir_all(&home).expect("create the Firefox temp dir");
        let dir = TempDir(dir);
        let log = dir.0.join("geckodriver.log");
        let out = std::fs::File::create(&log).expect("create the geckodriver log");
        let err = out.try_clone().expect("clone the log handle");
        let spawn = |bin: &std::path::Path| {
            Command::new(bin)
                .arg(format!("--port={port}"))
                .arg("--profile-root")
                .arg(&dir.0)
                .env("HOME", &home)
                .env("MOZ_HEADLESS", "1")
                .env("MOZ_CRASHREPORTER_DISABLE", "1")
                .stdout(out.try_clone().expect("log handle"))
                .stderr(err.try_clone().expect("log handle"))
                .spawn()
        };
        // `cargo install` puts it in ~/.cargo/bin, which a bare `cargo test` may not have on PATH.
        let driver = spawn("geckodriver".as_ref())
            .or_else(|e| {
                let cargo_home = std::env::var_os("CARGO_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")));
                match cargo_home {
                    Some(c) if e.kind() == std::io::ErrorKind::NotFound => {
                        spawn(&c.join("bin/geckodriver"))
                    }
                    _ => Err(e),
                }
            })
            .expect("start geckodriver (tools/setup.sh test installs it)");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(90)))
            .build()
            .into();
        let root = format!("http://127.0.0.1:{port}");
        let start = Instant::now();
        while agent.get(&format!("{root}/status")).call().is_err() {
            assert!(start.elapsed() < WAIT, "geckodriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        let mut firefox = json!({
            "args": ["-headless"],
            "prefs": {
                "intl.accept_languages": accept_languages,
                // The page's console and uncaught errors, to stdout (see `console_errors`).
                "devtools.console.stdout.content": true,
                "browser.shell.checkDefaultBrowser": false,
                "datareporting.policy.dataSubmissionEnabled": false,
                "app.normandy.enabled": false,
                "app.shield.optoutstudies.enabled": false,
                // Firefox's own favicon loader logs a chrome error for pages without an icon.
                "browser.chrome.site_icons": false,
            },
        });
        if std::path::Path::new("/usr/bin/firefox-esr").exists() {
            firefox["binary"] = json!("/usr/bin/firefox-esr");
        }
        let caps = json!({ "capabilities": { "alwaysMatch": {
            "browserName": "firefox",
            "moz:firefoxOptions": firefox,
        }}});
        let mut resp = agent
            .post(&format!("{root}/session"))
            .send_json(&caps)
            .expect("new WebDriver session");
        let v: Value = resp.body_mut().read_json().expect("session json");
        let id = v["value"]["sessionId"].as_str().map(str::to_string);
        let pid = v["value"]["capabilities"]["moz:processID"]
            .as_u64()
            .and_then(|p| u32::try_from(p).ok());
        let browser = Browser {
            agent,
            session: format!("{root}/session/{}", id.clone().unwrap_or_default()),
            driver,
            engine: Engine::Firefox {
                log,
                read: AtomicU64::new(0),
                pid,
            },
            _profile: dir,
        };
        if id.is_none() {
            let output = browser.driver_output();
            drop(browser);
            panic!("no Firefox session: {v}\ngeckodriver said:\n{output}");
        }
        // The same viewport as the Chromium runs.
        browser.ok(
            "POST",
            "/window/rect",
            Some(json!({ "width": 1280, "height": 900 })),
        );
        browser
    }

    /// Whether this session drives Firefox.
    pub fn is_firefox(&self) -> bool {
        matches!(self.engine, Engine::Firefox { .. })
    }

    /// Everything geckodriver and Firefox printed (empty for Chromium), for failure messages.
    pub fn driver_output(&self) -> String {
        match &self.engine {
            Engine::Firefox { log, .. } => std::fs::read_to_string(log).unwrap_or_default(),
            Engine::Chromium => String::new(),
        }
    }

    fn cmd(&self, method: &str, path: &str, body: Option<Value>) -> Result<Value, String> {
        let url = format!("{}{}", self.session, path);
        let resp = match method {
            "GET" => self.agent.get(&url).call(),
            "DELETE" => self.agent.delete(&url).call(),
            _ => self.agent.post(&url).send_json(body.unwrap_or(json!({}))),
        };
        let mut resp = resp.map_err(|e| format!("{method} {path}: {e}"))?;
        let ok = resp.status().is_success();
        let v: Value = resp
            .body_mut()
            .read_json()
            .map_err(|e| format!("{method} {path}: {e}"))?;
        if ok {
            Ok(v["value"].clone())
        } else {
            Err(format!("{method} {path}: {}", v["value"]))
        }
    }

    fn ok(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        self.cmd(method, path, body)
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub fn goto(&self, url: &str) {
        self.ok("POST", "/url", Some(json!({ "url": url })));
    }

    /// Later commands act inside this `<iframe>` (until `leave_frames`).
    pub fn enter_frame(&self, frame: &Element) {
        self.ok(
            "POST",
            "/frame",
            Some(json!({ "id": Browser::as_arg(frame) })),
        );
    }

    /// Later commands act on the top-level page again.
    pub fn leave_frames(&self) {
        self.ok("POST", "/frame", Some(json!({ "id": null })));
    }

    pub fn refresh(&self) {
        self.ok("POST", "/refresh", None);
    }

    pub fn exec(&self, script: &str, args: Vec<Value>) -> Value {
        self.ok(
            "POST",
            "/execute/sync",
            Some(json!({ "script": script, "args": args })),
        )
    }

    pub fn as_arg(el: &Element) -> Value {
        json!({ ELEMENT_KEY: el.0 })
    }

    pub fn css_all(&self, selector: &str) -> Vec<Element> {
        self.cmd(
            "POST",
            "/elements",
            Some(json!({ "using": "css selector", "value": selector })),
        )
        .ok()
        .and_then(|v| v.as_array().cloned())
        .unwrap_or_default()
        .iter()
        .filter_map(|e| e[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
        .collect()
    }

    pub fn role(&self, el: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/computedrole", el.0), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    pub fn label(&self, el: &Element) -> String {
        self.cmd("GET", &format!("/element/{}/computedlabel", el.0), None)
            .ok()
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_default()
    }

    /// Elements whose computed role is `role` and accessible name is exactly `name`.
    pub fn all_by_role(&self, role: &str, name: &str) -> Vec<Element> {
        let candidates = match role {
            "button" => "button,[role=button]",
            "heading" => "h1,h2,h3,h4,h5,h6,[role=heading]",
            "link" => "a[href],[role=link]",
            "combobox" => "select,[role=combobox],input",
            "textbox" | "searchbox" => "input,textarea,[role=textbox],[role=searchbox]",
            "checkbox" => "input[type=checkbox],[role=checkbox]",
            "dialog" => "dialog,[role=dialog]",
            "status" => "[role=status],output",
            "alert" => "[role=alert]",
            "radio" => "input[type=radio],[role=radio]",
            "navigation" => "nav,[role=navigation]",
            "listitem" => "li,[role=listitem]",
            _ => "[role]",
        };
        self.css_all(candidates)
            .into_iter()
            .filter(|e| self.role(e) == role && self.label(e).trim() == name)
            .collect()
    }

    /// Waits until exactly one element has this role and name.
    pub fn by_role(&self, role: &str, name: &str) -> Element {
        let start = Instant::now();
        loop {
            let found = self.all_by_role(role, name);
            if found.len() == 1 {
                return found.into_iter().next().expect("one element");
            }
            if start.elapsed() > WAIT {
                panic!(
                    "expected one {role} named {name:?}, found {}; page text: {}",
                    found.len(),
                    self.exec("return document.body.innerText", vec![])
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn click(&self, el: &Element) {
        self.ok("POST", &format!("/element/{}/click", el.0), None);
    }

    /// Shift+click, through WebDriver actions (a real modifier, not a synthetic event).
    pub fn shift_click(&self, el: &Element) {
        let origin = Browser::as_arg(el);
        self.perform(json!([
            { "type": "key", "id": "kb", "actions": [
                { "type": "keyDown", "value": "\u{E008}" },
                { "type": "pause", "duration": 0 },
                { "type": "pause", "duration": 0 },
                { "type": "pause", "duration": 0 },
                { "type": "keyUp", "value": "\u{E008}" },
            ]},
            { "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
                { "type": "pause", "duration": 0 },
                { "type": "pointerMove", "origin": origin, "x": 0, "y": 0 },
                { "type": "pointerDown", "button": 0 },
                { "type": "pointerUp", "button": 0 },
                { "type": "pause", "duration": 0 },
            ]},
        ]));
    }

    /// Moves the mouse onto an element, through WebDriver actions (real pointer events).
    pub fn hover(&self, el: &Element) {
        let origin = Browser::as_arg(el);
        self.perform(json!([
            { "type": "pointer", "id": "mouse", "parameters": { "pointerType": "mouse" }, "actions": [
                { "type": "pointerMove", "origin": origin, "x": 0, "y": 0 },
            ]},
        ]));
    }

    /// Runs WebDriver input actions, then releases whatever they hold.
    fn perform(&self, actions: Value) {
        self.ok("POST", "/actions", Some(json!({ "actions": actions })));
        let _ = self.cmd("DELETE", "/actions", None);
    }

    /// Types into an element, as a keyboard would.
    pub fn type_text(&self, el: &Element, text: &str) {
        self.ok(
            "POST",
            &format!("/element/{}/value", el.0),
            Some(json!({ "text": text })),
        );
    }

    pub fn clear(&self, el: &Element) {
        self.ok("POST", &format!("/element/{}/clear", el.0), None);
    }

    /// The page's visible text.
    pub fn page_text(&self) -> String {
        self.exec("return document.body.innerText", vec![])
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits until the page shows `text`.
    pub fn wait_text(&self, text: &str) {
        let start = Instant::now();
        while !self.page_text().contains(text) {
            if start.elapsed() > WAIT {
                panic!(
                    "timed out waiting for text {text:?}; page: {}",
                    self.page_text()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn text(&self, el: &Element) -> String {
        self.ok("GET", &format!("/element/{}/text", el.0), None)
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    pub fn attr(&self, el: &Element, name: &str) -> Option<String> {
        self.ok("GET", &format!("/element/{}/attribute/{name}", el.0), None)
            .as_str()
            .map(str::to_string)
    }

    pub fn is_enabled(&self, el: &Element) -> bool {
        self.ok("GET", &format!("/element/{}/enabled", el.0), None)
            .as_bool()
            .unwrap_or(false)
    }

    /// The element that has focus.
    pub fn active(&self) -> Element {
        let v = self.ok("GET", "/element/active", None);
        Element(v[ELEMENT_KEY].as_str().unwrap_or_default().to_string())
    }

    /// Chooses the `<option>` with this visible text in a `<select>`, as a user would.
    pub fn select_option(&self, select: &Element, text: &str) {
        self.click(select);
        let options = self
            .cmd(
                "POST",
                &format!("/element/{}/elements", select.0),
                Some(json!({ "using": "css selector", "value": "option" })),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        let option = options
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o[ELEMENT_KEY].as_str().map(|s| Element(s.to_string())))
            .find(|o| self.text(o).trim() == text)
            .unwrap_or_else(|| panic!("no option {text:?}"));
        self.click(&option);
    }

    /// Polls until `check` holds, or fails with `what`.
    pub fn wait_until(&self, what: &str, check: impl FnMut(&Browser) -> bool) {
        self.wait_until_for(what, WAIT, check);
    }

    /// `wait_until` for something that takes longer than most (a 20,000-item run).
    pub fn wait_until_for(
        &self,
        what: &str,
        limit: Duration,
        mut check: impl FnMut(&Browser) -> bool,
    ) {
        let start = Instant::now();
        while !check(self) {
            assert!(start.elapsed() < limit, "timed out waiting for: {what}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Console errors and uncaught exceptions since the last call.
    pub fn console_errors(&self) -> Vec<String> {
        if let Engine::Firefox { log, read, .. } = &self.engine {
            return firefox_errors(log, read);
        }
        self.cmd("POST", "/se/log", Some(json!({ "type": "browser" })))
            .or_else(|_| self.cmd("POST", "/log", Some(json!({ "type": "browser" }))))
            .unwrap_or_else(|e| panic!("cannot read the browser log: {e}"))
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// Captures what later downloads would save, by watching object URLs.
    pub fn capture_downloads(&self) {
        self.exec(
            "window.__blobs = []; const o = URL.createObjectURL; \
             URL.createObjectURL = (x) => { window.__blobs.push(x); return o.call(URL, x); };",
            vec![],
        );
    }

    /// The text of the last download since `capture_downloads`, once there is one.
    pub fn last_download(&self) -> String {
        self.wait_until("a download", |b| {
            b.exec("return window.__blobs.length", vec![]) != json!(0)
        });
        self.exec(
            "return window.__blobs[window.__blobs.length - 1].arrayBuffer().then(a => Array.from(new Uint8Array(a)))",
            vec![],
        )
        .as_array()
        .map(|bytes| {
            let raw: Vec<u8> = bytes.iter().filter_map(|v| v.as_u64()).map(|v| v as u8).collect();
            String::from_utf8_lossy(&raw).into_owned()
        })
        .unwrap_or_default()
    }

    pub fn assert_no_console_errors(&self) {
        let errors = self.console_errors();
        assert!(errors.is_empty(), "console errors: {errors:#?}");
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.cmd("DELETE", "", None);
        let _ = self.driver.kill();
        let _ = self.driver.wait();
        if let Engine::Firefox { pid: Some(pid), .. } = self.engine {
            end_firefox(pid);
        }
    }
}

/// Ends the Firefox this session started if it outlived geckodriver (deleting the session
/// normally closes it). Only that process, and only while it still is a Firefox.
fn end_firefox(pid: u32) {
    let is_firefox = || {
        std::fs::read_link(format!("/proc/{pid}/exe"))
            .is_ok_and(|exe| exe.to_string_lossy().contains("firefox"))
    };
    let start = Instant::now();
    while is_firefox() && start.elapsed() < Duration::from_secs(5) {
        std::thread::sleep(Duration::from_millis(50));
    }
    if is_firefox() {
        let _ = Command::new("kill")
            .args(["-KILL", &pid.to_string()])
            .stderr(Stdio::null())
            .status();
    }
}

/// The page's console errors and uncaught exceptions that Firefox printed to `log` since the
/// last call. Firefox prints its own (chrome) code's messages there too: those come from named
/// loggers (`console.error: RSLoader: …`), `resource://` / `chrome://` scripts, or are XPCOM
/// exceptions thrown in such a script (`[Exception… location: "JS frame :: resource://…"]`),
/// and are left out; the page's are one line each, their values quoted (`console.error: "…"`).
fn firefox_errors(log: &std::path::Path, read: &AtomicU64) -> Vec<String> {
    let bytes = std::fs::read(log).unwrap_or_default();
    let from = (read.load(Ordering::SeqCst) as usize).min(bytes.len());
    // Whole lines only: a line still being written is read next time.
    let upto = bytes[from..]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(from, |i| from + i + 1);
    read.store(upto as u64, Ordering::SeqCst);
    let chrome_logger = |rest: &str| {
        rest.split_once(':').is_some_and(|(name, _)| {
            !name.is_empty()
                && name.starts_with(|c: char| c.is_ascii_alphabetic())
                && name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        })
    };
    let chrome_script = |rest: &str| {
        ["resource://", "chrome://", "moz-extension://", "moz-src://"]
            .iter()
            .any(|p| rest.starts_with(p))
    };
    String::from_utf8_lossy(&bytes[from..upto])
        .lines()
        .filter(|line| {
            if let Some(rest) = line.strip_prefix("console.error: ") {
                let in_chrome_frame = rest.split("JS frame :: ").skip(1).any(chrome_script);
                !chrome_logger(rest) && !in_chrome_frame
            } else if let Some(rest) = line.strip_prefix("JavaScript error: ") {
                !chrome_script(rest)
            } else {
                false
            }
        })
        .map(str::to_string)
        .collect()
}
