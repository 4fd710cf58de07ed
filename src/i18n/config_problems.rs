//! The configuration-error panel's words: which key, from which source, and what it accepts.
//! Kept apart from the main tables because only a misconfigured page ever shows them.

use super::Locale;
use crate::config::{Expected, Problem, ProblemKind, Source};

pub struct PanelText {
    pub title: &'static str,
    pub intro: &'static str,
    pub docs: &'static str,
}

pub fn panel(locale: Locale) -> PanelText {
    match locale {
        Locale::En => PanelText {
            title: "The console is not configured correctly",
            intro: "The page that embeds the handover console gave settings it cannot use, so it did not start. Ask whoever maintains this page to fix these settings:",
            docs: "Every setting is described in the README's “Embedding” section.",
        },
        Locale::ZhCn => PanelText {
            title: "离职继承控制台的配置有误",
            intro: "嵌入本控制台的页面提供了无法使用的设置，控制台因此没有启动。请联系该页面的维护人员修正以下设置：",
            docs: "全部设置项见 README 的“Embedding”一节。",
        },
        Locale::ZhTw => PanelText {
            title: "離職繼承主控台的設定有誤",
            intro: "嵌入本主控台的頁面提供了無法使用的設定，主控台因此沒有啟動。請聯絡該頁面的維護人員修正以下設定：",
            docs: "所有設定項目請見 README 的「Embedding」一節。",
        },
    }
}

fn source(locale: Locale, s: Source) -> &'static str {
    match (locale, s) {
        (Locale::En, Source::File) => "config.json",
        (Locale::En, Source::Meta) => "a <meta> tag",
        (Locale::En, Source::Element) => "the mount element's attributes",
        (Locale::En, Source::Options) => "the options of mountHandover",
        (Locale::En, Source::Query) => "the address (query string)",
        (Locale::ZhCn, Source::File) => "config.json",
        (Locale::ZhCn, Source::Meta) => "<meta> 标签",
        (Locale::ZhCn, Source::Element) => "挂载元素的属性",
        (Locale::ZhCn, Source::Options) => "mountHandover 的 options",
        (Locale::ZhCn, Source::Query) => "网址参数",
        (Locale::ZhTw, Source::File) => "config.json",
        (Locale::ZhTw, Source::Meta) => "<meta> 標籤",
        (Locale::ZhTw, Source::Element) => "掛載元素的屬性",
        (Locale::ZhTw, Source::Options) => "mountHandover 的 options",
        (Locale::ZhTw, Source::Query) => "網址參數",
    }
}

fn expected(locale: Locale, e: Expected) -> String {
    let en = locale == Locale::En;
    let tw = locale == Locale::ZhTw;
    let pick = |en_s: &str, cn: &str, tw_s: &str| -> String {
        if en {
            en_s.into()
        } else if tw {
            tw_s.into()
        } else {
            cn.into()
        }
    };
    match e {
        Expected::BaseUrl => pick(
            "an http(s):// URL or a path starting with /",
            "以 http(s):// 开头的网址，或以 / 开头的路径",
            "以 http(s):// 開頭的網址，或以 / 開頭的路徑",
        ),
        Expected::Text => pick(
            "text without line breaks",
            "不含换行的文本",
            "不含換行的文字",
        ),
        Expected::HeaderName => pick(
            "a header name (letters, digits, -), not one the console sets itself",
            "请求头名称（字母、数字、-），且不能是控制台自己设置的请求头",
            "請求標頭名稱（字母、數字、-），且不能是主控台自行設定的標頭",
        ),
        Expected::Headers => pick(
            "an object of header names to text, e.g. {\"X-Tenant\": \"acme\"} (not Authorization, Cookie, Content-Type …)",
            "请求头名称到文本的对象，例如 {\"X-Tenant\": \"acme\"}（不能是 Authorization、Cookie、Content-Type 等）",
            "標頭名稱對應文字的物件，例如 {\"X-Tenant\": \"acme\"}（不可為 Authorization、Cookie、Content-Type 等）",
        ),
        Expected::Locale => {
            let tags = Locale::ALL.map(Locale::tag).join(", ");
            pick(
                &format!("one of {tags}"),
                &format!("以下之一：{tags}"),
                &format!("下列之一：{tags}"),
            )
        }
        Expected::Bool => pick("true or false", "true 或 false", "true 或 false"),
        Expected::ColorScheme => pick(
            "light, dark or system",
            "light、dark 或 system",
            "light、dark 或 system",
        ),
        Expected::Range(lo, hi) => pick(
            &format!("a whole number from {lo} to {hi}"),
            &format!("{lo} 到 {hi} 之间的整数"),
            &format!("{lo} 到 {hi} 之間的整數"),
        ),
        Expected::StoragePrefix => pick(
            "1 to 40 letters, digits, dots, - or _",
            "1 到 40 个字母、数字、点、- 或 _",
            "1 到 40 個字母、數字、句點、- 或 _",
        ),
        Expected::Routing => pick(
            "hash or memory (query only on the standalone page)",
            "hash 或 memory（query 仅用于独立页面）",
            "hash 或 memory（query 僅用於獨立頁面）",
        ),
        Expected::HashPrefix => pick(
            "path segments of letters, digits, - or _ (e.g. console)",
            "由字母、数字、- 或 _ 组成的路径段（例如 console）",
            "由字母、數字、- 或 _ 組成的路徑段（例如 console）",
        ),
        Expected::Origin => pick(
            "an origin such as https://portal.example.com (no path)",
            "来源，例如 https://portal.example.com（不含路径）",
            "來源，例如 https://portal.example.com（不含路徑）",
        ),
        Expected::Link => pick(
            "an http(s):// link or a path starting with /",
            "以 http(s):// 开头的链接，或以 / 开头的路径",
            "以 http(s):// 開頭的連結，或以 / 開頭的路徑",
        ),
        Expected::BackendForLive => pick(
            "demo can be false only when apiBase names a backend",
            "只有在 apiBase 指定了后端时，demo 才能为 false",
            "只有在 apiBase 指定了後端時，demo 才能為 false",
        ),
        Expected::Object => pick(
            "a JSON object of settings, e.g. {\"apiBase\": \"/api\"}",
            "由设置项组成的 JSON 对象，例如 {\"apiBase\": \"/api\"}",
            "由設定項目組成的 JSON 物件，例如 {\"apiBase\": \"/api\"}",
        ),
        Expected::NotWhenEmbedded => pick(
            "hash or memory: an embedded console must not rewrite the page's query string",
            "hash 或 memory：嵌入的控制台不能改写页面的网址参数",
            "hash 或 memory：嵌入的主控台不可改寫頁面的網址參數",
        ),
    }
}

/// One line of the panel (and of the console's error).
pub fn describe(locale: Locale, p: &Problem) -> String {
    let from = source(locale, p.source);
    let key = &p.key;
    match (&p.kind, locale) {
        (ProblemKind::UnknownKey, Locale::En) => {
            format!("“{key}” (from {from}) is not a setting of the console.")
        }
        (ProblemKind::UnknownKey, Locale::ZhCn) => {
            format!("“{key}”（来自{from}）不是控制台的设置项。")
        }
        (ProblemKind::UnknownKey, Locale::ZhTw) => {
            format!("「{key}」（來自{from}）不是主控台的設定項目。")
        }
        (ProblemKind::Invalid { expected: e, got }, Locale::En) => format!(
            "“{key}” (from {from}) is {got}; expected {}.",
            expected(locale, *e)
        ),
        (ProblemKind::Invalid { expected: e, got }, Locale::ZhCn) => format!(
            "“{key}”（来自{from}）的值 {got} 无效；应为{}。",
            expected(locale, *e)
        ),
        (ProblemKind::Invalid { expected: e, got }, Locale::ZhTw) => format!(
            "「{key}」（來自{from}）的值 {got} 無效；應為{}。",
            expected(locale, *e)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_problem_names_its_key_and_source_in_every_language() {
        let p = Problem {
            key: "in-flight".into(),
            source: Source::Meta,
            kind: ProblemKind::Invalid {
                expected: Expected::Range(1, 16),
                got: "\"0\"".into(),
            },
        };
        for l in Locale::ALL {
            let s = describe(l, &p);
            assert!(s.contains("in-flight") && s.contains("16"), "{s}");
        }
        assert!(describe(Locale::En, &p).contains("a <meta> tag"));
        assert!(describe(Locale::ZhTw, &p).contains("標籤"));
    }
}
