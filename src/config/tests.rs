use super::*;

fn standalone(q: &str) -> Page {
    Page::Standalone { query: q.into() }
}

fn meta(pairs: &[(&str, &str)]) -> Layer {
    Layer::text(Source::Meta, pairs.iter().copied())
}

fn ok(layers: &[Layer], page: &Page) -> Config {
    let r = resolve(layers, page);
    assert_eq!(r.problems, vec![], "no problems expected");
    r.config
}

fn invalid(r: &Resolved) -> Vec<(String, Source, Expected)> {
    r.problems
        .iter()
        .map(|p| match &p.kind {
            ProblemKind::Invalid { expected, .. } => (p.key.clone(), p.source, *expected),
            ProblemKind::UnknownKey => panic!("unexpected unknown key {}", p.key),
        })
        .collect()
}

#[test]
fn demo_with_defaults_when_nothing_is_configured() {
    let c = ok(&[], &standalone(""));
    assert!(c.is_demo());
    assert_eq!(c.locale, None);
    assert_eq!(c.timeout_ms, DEFAULT_TIMEOUT_MS);
    assert_eq!(c.in_flight, DEFAULT_IN_FLIGHT);
    assert_eq!(c.demo_admin, "admin-1");
    assert_eq!(c.routing, Routing::Query);
    assert_eq!(c.storage_prefix, "handover-console");
    assert_eq!(c.color_scheme, ColorScheme::System);
    assert!(!c.embedded);
    let c = ok(&[], &Page::Embedded);
    assert_eq!(
        c.routing,
        Routing::Hash,
        "mounted apps keep off the host's query"
    );
    assert!(c.embedded);
}

#[test]
fn later_sources_win_key_by_key() {
    let layer = |source, v: &str| Layer::text(source, [("in-flight", v), ("timeout-ms", "900")]);
    let layers = [
        layer(Source::File, "2"),
        layer(Source::Meta, "3"),
        layer(Source::Element, "5"),
        Layer::new(Source::Options, vec![("inFlight".into(), Raw::Number(7.0))]),
    ];
    for n in 1..=layers.len() {
        let c = ok(&layers[..n], &Page::Embedded);
        assert_eq!(c.in_flight, [2, 3, 5, 7][n - 1]);
        assert_eq!(c.timeout_ms, 900, "a key a later source leaves alone stays");
    }
    // The standalone page's query string comes last.
    let l = [
        Layer::text(Source::File, [("locale", "en")]),
        Layer::new(
            Source::Options,
            vec![("locale".into(), Raw::Text("zh-CN".into()))],
        ),
    ];
    assert_eq!(ok(&l, &standalone("")).locale, Some(Locale::ZhCn));
    assert_eq!(ok(&l, &standalone("?lang=en")).locale, Some(Locale::En));
    assert_eq!(ok(&l, &Page::Embedded).locale, Some(Locale::ZhCn));
}

#[test]
fn the_query_configures_only_lang_and_demo() {
    let c = ok(
        &[meta(&[("api-base", "https://hr.example/api/")])],
        &standalone("?view=records&utm_source=mail&as=admin-2&expire_after=3"),
    );
    assert_eq!(
        c.mode,
        Mode::Http {
            base_url: "https://hr.example/api".into()
        }
    );
    assert_eq!(c.demo_admin, "admin-2");
    assert_eq!(c.demo_expire_after, Some(3));
    let base = [meta(&[("api-base", "https://x")])];
    assert!(ok(&base, &standalone("?demo=1")).is_demo());
    assert!(ok(&base, &standalone("?demo")).is_demo());
    assert!(!ok(&base, &standalone("?demo=0")).is_demo());
    // The URL never names a backend: a crafted link cannot point a session elsewhere.
    let r = resolve(&[], &standalone("?apiBase=https://evil.example"));
    assert!(r.config.is_demo());
    assert!(r.problems.is_empty());
    // Embedded, the host's query string is not read at all.
    assert!(!ok(&base, &Page::Embedded).is_demo());
}

#[test]
fn auth_is_a_bearer_token_or_cookies_with_csrf() {
    let c = ok(&[meta(&[("token", " t0k ")])], &standalone(""));
    assert_eq!(c.auth, Auth::Bearer("t0k".into()));
    let c = ok(&[meta(&[("csrf-header", "X-XSRF")])], &standalone(""));
    assert_eq!(
        c.auth,
        Auth::Cookie {
            csrf_header: "X-XSRF".into(),
            csrf_cookie: "csrf_token".into()
        }
    );
}

#[test]
fn keys_are_spelled_any_way_the_source_likes() {
    for name in [
        "apiBase",
        "api-base",
        "api_base",
        "APIBASE",
        "data-api-base",
    ] {
        let parsed = Key::parse(name.trim_start_matches("data-"));
        assert_eq!(parsed, Some(Key::ApiBase), "{name}");
    }
    assert_eq!(Key::parse("lang"), Some(Key::Locale));
    for k in Key::ALL {
        assert_eq!(Key::parse(k.name()), Some(k));
    }
    assert_eq!(Key::parse("apiBse"), None);
}

#[test]
fn every_unknown_key_and_bad_value_is_reported_with_its_source() {
    let r = resolve(
        &[
            Layer::text(Source::File, [("timeoutMs", "fast"), ("colour", "blue")]),
            meta(&[("in-flight", "0"), ("color-scheme", "blue")]),
            Layer::text(
                Source::Element,
                [
                    ("routing", "query"),
                    ("parent-origin", "https://p.example/x"),
                ],
            ),
            Layer::new(
                Source::Options,
                vec![
                    ("loginUrl".into(), Raw::Text("javascript:alert(1)".into())),
                    ("storagePrefix".into(), Raw::Text("a b".into())),
                    ("demo".into(), Raw::Text("maybe".into())),
                    ("inFlight".into(), Raw::Number(2.5)),
                    ("apiBase".into(), Raw::Number(1.0)),
                    ("locale".into(), Raw::Text("fr".into())),
                    ("hashPrefix".into(), Raw::Text("#x".into())),
                ],
            ),
        ],
        &Page::Embedded,
    );
    let unknown: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.kind == ProblemKind::UnknownKey)
        .map(|p| (p.key.as_str(), p.source))
        .collect();
    assert_eq!(unknown, vec![("colour", Source::File)]);
    let mut bad: Vec<_> = r
        .problems
        .iter()
        .filter(|p| p.kind != ProblemKind::UnknownKey)
        .map(|p| (p.key.as_str(), p.source))
        .collect();
    bad.sort_by_key(|b| b.0);
    assert_eq!(
        bad,
        vec![
            ("apiBase", Source::Options),
            ("color-scheme", Source::Meta),
            ("demo", Source::Options),
            ("hashPrefix", Source::Options),
            ("in-flight", Source::Meta),
            ("inFlight", Source::Options),
            ("locale", Source::Options),
            ("loginUrl", Source::Options),
            ("parent-origin", Source::Element),
            ("routing", Source::Element),
            ("storagePrefix", Source::Options),
            ("timeoutMs", Source::File),
        ]
    );
    // A bad value is not silently replaced by an earlier good one either: it is reported.
    assert_eq!(r.config.in_flight, DEFAULT_IN_FLIGHT);
}

#[test]
fn what_each_key_accepts_is_named() {
    let r = resolve(
        &[meta(&[("in-flight", "17"), ("timeout-ms", "50")])],
        &standalone(""),
    );
    assert_eq!(
        invalid(&r),
        vec![
            ("in-flight".into(), Source::Meta, Expected::Range(1, 16)),
            (
                "timeout-ms".into(),
                Source::Meta,
                Expected::Range(100, 600_000)
            ),
        ]
    );
    let r = resolve(&[meta(&[("demo", "false")])], &standalone(""));
    assert_eq!(
        invalid(&r),
        vec![("demo".into(), Source::Meta, Expected::BackendForLive)]
    );
    let r = resolve(
        &[Layer::text(Source::Element, [("routing", "query")])],
        &Page::Embedded,
    );
    assert_eq!(
        invalid(&r),
        vec![("routing".into(), Source::Element, Expected::NotWhenEmbedded)]
    );
}

#[test]
fn a_bad_token_is_reported_without_its_value() {
    let r = resolve(&[meta(&[("token", "secret\nline")])], &standalone(""));
    match &r.problems[..] {
        [Problem {
            kind: ProblemKind::Invalid { got, .. },
            ..
        }] => assert!(!got.contains("secret"), "{got}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn headers_are_an_object_of_safe_names_and_values() {
    let c = ok(
        &[Layer::new(
            Source::Options,
            vec![(
                "headers".into(),
                Raw::Map(vec![("X-Tenant".into(), Raw::Text("acme".into()))]),
            )],
        )],
        &Page::Embedded,
    );
    assert_eq!(c.headers, vec![("X-Tenant".into(), "acme".into())]);
    let c = ok(
        &[Layer::text(
            Source::Element,
            [("headers", r#"{"X-Tenant":"acme"}"#)],
        )],
        &Page::Embedded,
    );
    assert_eq!(c.headers, vec![("X-Tenant".into(), "acme".into())]);
    for bad in [
        r#"{"Authorization":"Bearer x"}"#,
        r#"{"X Bad":"v"}"#,
        r#"{"X-A":1}"#,
        r#"["X-A"]"#,
        "X-Tenant: acme",
    ] {
        let r = resolve(
            &[Layer::text(Source::Meta, [("headers", bad)])],
            &Page::Embedded,
        );
        assert_eq!(invalid(&r).len(), 1, "{bad}");
    }
}

#[test]
fn the_rest_of_the_keys_parse() {
    let c = ok(
        &[Layer::new(
            Source::Options,
            vec![
                ("colorScheme".into(), Raw::Text("dark".into())),
                ("storagePrefix".into(), Raw::Text("portal-a.hoc".into())),
                ("routing".into(), Raw::Text("memory".into())),
                ("hashPrefix".into(), Raw::Text("/console".into())),
                (
                    "parentOrigin".into(),
                    Raw::Text("https://portal.example".into()),
                ),
                ("loginUrl".into(), Raw::Text("/sso/login".into())),
                ("demo".into(), Raw::Bool(true)),
                ("locale".into(), Raw::Text("en".into())),
            ],
        )],
        &Page::Embedded,
    );
    assert_eq!(c.color_scheme, ColorScheme::Dark);
    assert_eq!(c.storage_prefix, "portal-a.hoc");
    assert_eq!(c.routing, Routing::Memory);
    assert_eq!(c.hash_prefix, "console");
    assert_eq!(c.parent_origin.as_deref(), Some("https://portal.example"));
    assert_eq!(c.login_url.as_deref(), Some("/sso/login"));
    assert!(c.is_demo());
    assert_eq!(c.locale, Some(Locale::En));
    let hk = ok(&[], &standalone("?lang=zh-HK"));
    assert_eq!(hk.locale, Some(Locale::ZhTw));
}
