//! Locale choice and message tables.
//!
//! A small typed table instead of leptos_i18n: every locale is one `Messages` value, so a missing
//! string is a compile error, lookups cost nothing, and the bundle carries no i18n runtime.

mod en;
mod zh_cn;

use crate::domain::wizard::Step;

/// Locales the UI speaks. Simplified Chinese is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Locale {
    #[default]
    ZhCn,
    En,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::ZhCn, Locale::En];

    /// BCP 47 tag, as used in `?lang=`, storage and `<html lang>`.
    pub fn tag(self) -> &'static str {
        match self {
            Locale::ZhCn => "zh-CN",
            Locale::En => "en",
        }
    }

    /// The language's own name, shown in the switcher whatever the current locale.
    pub fn native_name(self) -> &'static str {
        match self {
            Locale::ZhCn => "简体中文",
            Locale::En => "English",
        }
    }

    /// Exact tags only (case-insensitive): what `?lang=` and storage may hold.
    pub fn from_tag(tag: &str) -> Option<Locale> {
        Locale::ALL
            .into_iter()
            .find(|l| l.tag().eq_ignore_ascii_case(tag.trim()))
    }

    /// Loose match for browser preferences: `en-GB` is English, any Chinese is Chinese
    /// (Simplified is the only Chinese we ship so far).
    pub fn from_browser_tag(tag: &str) -> Option<Locale> {
        let primary = tag.split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "zh" => Some(Locale::ZhCn),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    pub fn messages(self) -> &'static Messages {
        match self {
            Locale::ZhCn => &zh_cn::MESSAGES,
            Locale::En => &en::MESSAGES,
        }
    }
}

/// Picks the locale: the `lang` query parameter, then the saved choice, then the browser's
/// preferences in order, then the default.
pub fn negotiate<S: AsRef<str>>(query: Option<&str>, saved: Option<&str>, browser: &[S]) -> Locale {
    query
        .and_then(Locale::from_tag)
        .or_else(|| saved.and_then(Locale::from_tag))
        .or_else(|| {
            browser
                .iter()
                .find_map(|t| Locale::from_browser_tag(t.as_ref()))
        })
        .unwrap_or_default()
}

/// Every visible string of the UI, for one locale.
pub struct Messages {
    pub app_title: &'static str,
    pub demo_banner: &'static str,
    pub language: &'static str,
    pub steps_nav: &'static str,
    pub back: &'static str,
    pub next: &'static str,
    pub step_member: &'static str,
    pub step_customers: &'static str,
    pub step_successor: &'static str,
    pub step_chat_history: &'static str,
    pub step_confirm: &'static str,
    pub intro_member: &'static str,
    pub intro_customers: &'static str,
    pub intro_successor: &'static str,
    pub intro_chat_history: &'static str,
    pub intro_confirm: &'static str,
    /// "Step n of total", for screen readers and the step header.
    pub step_position: fn(usize, usize) -> String,
}

impl Messages {
    pub fn step_title(&self, step: Step) -> &'static str {
        match step {
            Step::Member => self.step_member,
            Step::Customers => self.step_customers,
            Step::Successor => self.step_successor,
            Step::ChatHistory => self.step_chat_history,
            Step::Confirm => self.step_confirm,
        }
    }

    pub fn step_intro(&self, step: Step) -> &'static str {
        match step {
            Step::Member => self.intro_member,
            Step::Customers => self.intro_customers,
            Step::Successor => self.intro_successor,
            Step::ChatHistory => self.intro_chat_history,
            Step::Confirm => self.intro_confirm,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_beats_saved_beats_browser() {
        let browser = ["en-US"];
        assert_eq!(negotiate(Some("zh-CN"), Some("en"), &browser), Locale::ZhCn);
        assert_eq!(negotiate(None, Some("en"), &["zh"]), Locale::En);
        assert_eq!(negotiate(None, None, &browser), Locale::En);
    }

    #[test]
    fn unknown_values_fall_through_to_the_next_source() {
        assert_eq!(negotiate(Some("fr"), Some("EN"), &["zh-CN"]), Locale::En);
        assert_eq!(
            negotiate(Some(""), Some("xx"), &["de-DE", "zh-TW"]),
            Locale::ZhCn
        );
        assert_eq!(negotiate::<&str>(None, None, &[]), Locale::ZhCn);
        assert_eq!(negotiate(None, None, &["de", "en_GB"]), Locale::En);
    }

    #[test]
    fn tags_round_trip() {
        for l in Locale::ALL {
            assert_eq!(Locale::from_tag(l.tag()), Some(l));
        }
    }

    #[test]
    fn every_locale_fills_every_string() {
        for l in Locale::ALL {
            let m = l.messages();
            for s in [
                m.app_title,
                m.demo_banner,
                m.language,
                m.steps_nav,
                m.back,
                m.next,
                m.step_member,
                m.step_customers,
                m.step_successor,
                m.step_chat_history,
                m.step_confirm,
                m.intro_member,
                m.intro_customers,
                m.intro_successor,
                m.intro_chat_history,
                m.intro_confirm,
            ] {
                assert!(!s.trim().is_empty(), "{l:?} has an empty string");
            }
            assert!((m.step_position)(2, 5).contains('2'));
        }
        assert_ne!(Locale::ZhCn.messages().next, Locale::En.messages().next);
    }
}
