//! WeCom's per-item codes as sentences an admin understands (the code stays visible).

use super::Locale;
use crate::domain::codes::*;

pub fn code_text(locale: Locale, code: u32) -> String {
    let (zh_cn, zh_tw, en) = match code {
        INVALID_CUSTOMER => ("客户 ID 无效", "客戶 ID 無效", "Invalid customer id"),
        MEMBER_NOT_LEFT => (
            "该成员尚未离职",
            "此成員尚未離職",
            "The member has not left",
        ),
        SUCCESSOR_NOT_VERIFIED => (
            "接替成员未实名认证",
            "接替成員未完成實名認證",
            "The successor is not real-name verified",
        ),
        SUCCESSOR_LIMIT => (
            "接替成员客户已达上限",
            "接替成員客戶已達上限",
            "Successor at contact limit",
        ),
        CUSTOMER_IN_TRANSFER => (
            "客户已在其他交接中",
            "客戶已在其他交接中",
            "The customer is already in a transfer",
        ),
        TOO_FREQUENT => (
            "操作过于频繁，请稍后重试",
            "操作過於頻繁，請稍後重試",
            "Too many transfers; try again later",
        ),
        CUSTOMER_BEING_TRANSFERRED => (
            "客户正在交接中",
            "客戶正在交接中",
            "The customer is being transferred",
        ),
        SUCCESSOR_IS_DEPARTED => (
            "接替成员不能是离职成员本人",
            "接替成員不能是離職成員本人",
            "The successor is the departed member",
        ),
        NOT_FOLLOWING => (
            "离职成员未添加该客户",
            "離職成員未新增此客戶",
            "The departed member does not follow this customer",
        ),
        NO_RELATION => (
            "与该客户没有好友关系",
            "與此客戶沒有好友關係",
            "No relation with this customer",
        ),
        GROUP_OWNER_NOT_LEFT => (
            "群主尚未离职",
            "群主尚未離職",
            "The group owner has not left",
        ),
        NOT_CUSTOMER_GROUP => ("不是客户群", "不是客戶群", "Not a customer group"),
        GROUP_FULL => (
            "群已满，需要接替成员在手机上确认",
            "群組已滿，需要接替成員在手機上確認",
            "The group is full; the successor must confirm",
        ),
        GROUP_OWNER_UNCHANGED => ("群主未变化", "群主未變更", "The group owner is unchanged"),
        GROUP_IN_PROGRESS => (
            "客户群正在继承中",
            "客戶群正在繼承中",
            "The group's inheritance is in progress",
        ),
        GROUP_INHERITED => (
            "客户群已被继承",
            "客戶群已被繼承",
            "The group has already been inherited",
        ),
        _ => (
            "企业微信拒绝了此项",
            "企業微信拒絕了此項目",
            "WeCom refused this item",
        ),
    };
    let text = match locale {
        Locale::ZhCn => zh_cn,
        Locale::ZhTw => zh_tw,
        Locale::En => en,
    };
    format!("{text} ({code})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_has_its_own_sentence_in_each_language() {
        for l in Locale::ALL {
            let texts: std::collections::HashSet<String> =
                ALL.iter().map(|(c, _)| code_text(l, *c)).collect();
            assert_eq!(texts.len(), ALL.len());
            assert!(code_text(l, 1).contains("(1)"));
        }
    }
}
