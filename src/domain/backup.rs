//! The backup an admin keeps before handing anything over: every customer and group of the
//! departed member as one CSV (the injection-safe writer), so nothing depends on the handover
//! going right.

use super::csv;
use crate::api::types::{Customer, Group};

/// The words of the export, in the admin's language.
pub struct BackupLabels<'a> {
    /// Kind, id, name, remark or company, tags, important, transferable, added or created,
    /// WeCom code of why not transferable.
    pub header: [&'a str; 9],
    pub customer: &'a str,
    pub group: &'a str,
    pub yes: &'a str,
    pub no: &'a str,
}

/// One row per customer, then one per group; times as UTC instants (unambiguous anywhere).
pub fn member_backup(customers: &[Customer], groups: &[Group], l: &BackupLabels) -> String {
    let yes_no = |b: bool| if b { l.yes } else { l.no }.to_string();
    let code = |c: Option<u32>| c.map(|c| c.to_string()).unwrap_or_default();
    let customer_rows = customers.iter().map(|c| {
        let remark = match (&c.corp_name, c.remark.is_empty()) {
            (Some(corp), false) => format!("{} · {corp}", c.remark),
            (Some(corp), true) => corp.clone(),
            (None, _) => c.remark.clone(),
        };
        vec![
            l.customer.to_string(),
            c.id.clone(),
            c.name.clone(),
            remark,
            c.tags.join(" / "),
            yes_no(c.important),
            yes_no(c.transferable),
            c.added_at.clone(),
            code(c.reason),
        ]
    });
    let group_rows = groups.iter().map(|g| {
        vec![
            l.group.to_string(),
            g.id.clone(),
            g.name.clone(),
            String::new(),
            String::new(),
            l.no.to_string(),
            yes_no(g.transferable),
            g.created_at.clone(),
            code(g.reason),
        ]
    });
    csv::document(&l.header, customer_rows.chain(group_rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::types::CustomerKind;

    #[test]
    fn every_customer_and_group_in_one_safe_document() {
        let c = Customer {
            id: "c1".into(),
            name: "=HYPERLINK(\"x\")".into(),
            kind: CustomerKind::Wecom,
            corp_name: Some("恒达, 精密".into()),
            remark: "展会".into(),
            tags: vec!["VIP".into(), "渠道".into()],
            added_at: "2026-01-01T00:00:00Z".into(),
            last_contact_at: None,
            important: true,
            transferable: false,
            reason: Some(40100),
        };
        let g = Group {
            id: "g1".into(),
            name: "售后群".into(),
            member_count: 3,
            created_at: "2026-02-01T00:00:00Z".into(),
            transferable: true,
            reason: None,
        };
        let labels = BackupLabels {
            header: [
                "kind", "id", "name", "remark", "tags", "imp", "ok", "at", "code",
            ],
            customer: "Customer",
            group: "Group",
            yes: "yes",
            no: "no",
        };
        let doc = member_backup(&[c], &[g], &labels);
        let lines: Vec<&str> = doc.trim_start_matches(csv::BOM).split("\r\n").collect();
        assert_eq!(lines[0], "kind,id,name,remark,tags,imp,ok,at,code");
        assert_eq!(
            lines[1],
            "Customer,c1,\"'=HYPERLINK(\"\"x\"\")\",\"展会 · 恒达, 精密\",VIP / 渠道,yes,no,2026-01-01T00:00:00Z,40100"
        );
        assert_eq!(lines[2], "Group,g1,售后群,,,no,yes,2026-02-01T00:00:00Z,");
        assert_eq!(lines.len(), 4, "two rows and the final line break");
    }
}
