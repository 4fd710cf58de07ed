#![allow(clippy::result_large_err)]
//! One contract suite, run against the demo store directly and against the reference backend
//! over HTTP with its ledger in memory, in SQLite and in PostgreSQL (a server this test binary
//! starts itself, `drivers::pg`): all must answer every scenario the same way. Then with
//! `--source wecom` over the WeCom simulator seeded with the demo company (`wecom_driver`), for
//! every scenario WeCom's API lets hold (see `mod wecom` below).

mod drivers;
mod wecom_driver;
mod wecom_sim;

use std::collections::HashSet;

use drivers::{Contract, R, TAKEOVER_MS};
use handover_console::api::types::*;

const ME: &str = "admin-1";
const APPROVER: &str = "admin-2";
const LIMITED: &str = "admin-3";
/// Seeded departed members (see src/demo/seed.rs).
const SMALL: &str = "d001";
const MID: &str = "d004";
const BIG: &str = "d005";
const GROUPS_ONLY: &str = "d006";
const MANY_GROUPS: &str = "d007";
const OVER_A_YEAR: &str = "d014";
const NOTHING_PENDING: &str = "d015";

fn all_pages<T>(mut f: impl FnMut(Option<String>) -> R<Page<T>>) -> Vec<T> {
    let mut out = Vec::new();
    let mut cursor = None;
    loop {
        let page = f(cursor.take()).unwrap_or_else(|p| panic!("page: {p:?}"));
        out.extend(page.items);
        match page.next_cursor {
            Some(c) => cursor = Some(c),
            None => return out,
        }
    }
}

fn token(c: &mut dyn Contract, who: &str) -> String {
    c.verify(
        who,
        &VerificationRequest {
            method: VerificationMethod::SmsCode,
            code: "246810".into(),
        },
    )
    .expect("verification")
    .token
}

fn customers(c: &mut dyn Contract, departed: &str) -> Vec<Customer> {
    all_pages(|cursor| {
        c.customers(
            ME,
            departed,
            &PageQuery {
                cursor,
                limit: None,
            },
        )
    })
}

/// Transferable customers, important or not.
fn pick(c: &mut dyn Contract, departed: &str, n: usize, important: bool) -> Vec<String> {
    customers(c, departed)
        .into_iter()
        .filter(|x| x.transferable && x.important == important)
        .take(n)
        .map(|x| x.id)
        .collect()
}

/// An eligible successor with plenty of room.
fn roomy_successor(c: &mut dyn Contract, departed: &str) -> String {
    all_pages(|cursor| {
        c.members(
            ME,
            &MembersQuery {
                for_departed: Some(departed.into()),
                cursor,
                ..Default::default()
            },
        )
    })
    .into_iter()
    .find(|m| m.eligible == Some(true) && m.customer_limit - m.customer_count > 1000)
    .expect("a roomy successor")
    .id
}

fn handover(
    id: &str,
    departed: &str,
    successor: &str,
    customers: Vec<String>,
    groups: Vec<String>,
    token: Option<String>,
) -> NewHandover {
    NewHandover {
        id: id.into(),
        departed_member: departed.into(),
        assignments: vec![Assignment {
            successor: successor.into(),
            customer_ids: customers,
            group_ids: groups,
        }],
        chat_history: ChatHistory {
            scope: ChatScope::Recent,
            days: Some(30),
        },
        note: Some("离职交接".into()),
        verification_token: token,
    }
}

fn field_codes(p: &Problem) -> Vec<(String, String)> {
    p.errors
        .iter()
        .map(|e| (e.field.clone(), e.code.clone()))
        .collect()
}

// ---------------- scenarios ----------------

fn session_and_departments(c: &mut dyn Contract) {
    let s = c.session(ME).unwrap();
    assert_eq!(s.admin.id, ME);
    assert_eq!(s.limits.items_per_batch, 100);
    assert_eq!(s.limits.groups_per_owner_per_day, 300);
    assert!(s.verification.required);
    assert!(!c
        .session(LIMITED)
        .unwrap()
        .permissions
        .departments
        .is_empty());
    assert_eq!(c.departments(ME).unwrap().len(), 12);
    assert_eq!(c.session("nobody").unwrap_err().status, 401);
}

fn paging_reaches_the_very_end(c: &mut dyn Contract) {
    let members = all_pages(|cursor| {
        c.departed(
            ME,
            &DepartedQuery {
                cursor,
                limit: Some(4),
                ..Default::default()
            },
        )
    });
    let ids: HashSet<_> = members.iter().map(|m| m.id.clone()).collect();
    assert_eq!(ids.len(), members.len(), "no member twice");
    assert_eq!(members.len(), 15, "all departed members with pending work");
    let big = customers(c, BIG);
    assert_eq!(big.len(), 20_000);
    assert_eq!(
        big.iter().map(|x| &x.id).collect::<HashSet<_>>().len(),
        20_000
    );
    let first = c.customers(ME, BIG, &PageQuery::default()).unwrap();
    assert_eq!(first.items.len(), 1000, "pages of up to 1000");
    assert_eq!(first.total, Some(20_000));
    let groups = all_pages(|cursor| {
        c.groups(
            ME,
            MANY_GROUPS,
            &PageQuery {
                cursor,
                limit: Some(100),
            },
        )
    });
    assert!(groups.len() > 300);
    let members = all_pages(|cursor| {
        c.members(
            ME,
            &MembersQuery {
                cursor,
                limit: Some(60),
                ..Default::default()
            },
        )
    });
    assert_eq!(members.len(), 200);
    assert_eq!(
        c.customers(
            ME,
            BIG,
            &PageQuery {
                cursor: Some("garbage".into()),
                limit: None
            }
        )
        .unwrap_err()
        .status,
        422
    );
    assert_eq!(
        c.customers(
            ME,
            BIG,
            &PageQuery {
                cursor: None,
                limit: Some(10_001)
            }
        )
        .unwrap_err()
        .status,
        422
    );
    // Since 1.5.0 a page holds up to 10,000 (the client's later pages).
    let large = c
        .customers(
            ME,
            BIG,
            &PageQuery {
                cursor: None,
                limit: Some(10_000),
            },
        )
        .unwrap();
    assert_eq!(large.items.len(), 10_000);
    assert_eq!(
        c.customers(ME, "nope", &PageQuery::default())
            .unwrap_err()
            .status,
        404
    );
}

fn departed_filters_and_cases(c: &mut dyn Contract) {
    let all = c
        .departed(
            ME,
            &DepartedQuery {
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    let by = |id: &str| all.iter().find(|m| m.id == id).cloned();
    assert!(by(NOTHING_PENDING).is_none(), "only pending by default");
    let groups_only = by(GROUPS_ONLY).expect("members who left with only groups are listed");
    assert_eq!(
        (
            groups_only.pending_customers,
            groups_only.pending_groups > 0
        ),
        (0, true)
    );
    let old = by(OVER_A_YEAR).unwrap();
    assert_eq!(
        (
            old.eligible,
            old.reason.as_ref().map(DepartedReason::as_str)
        ),
        (false, Some("departed_over_a_year"))
    );
    assert!(all.iter().any(|m| m.account_state == AccountState::Active));
    assert!(
        all.windows(2).all(|w| w[0].departed_at >= w[1].departed_at),
        "newest first"
    );

    let everyone = c
        .departed(
            ME,
            &DepartedQuery {
                only_pending: Some(false),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(everyone.items.len(), 16);

    let name: String = by(MID).unwrap().name.chars().take(2).collect();
    let found = c
        .departed(
            ME,
            &DepartedQuery {
                q: Some(name.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(
        !found.is_empty()
            && found
                .iter()
                .all(|m| m.name.contains(&name) || m.id.contains(&name))
    );
    let found = c
        .departed(
            ME,
            &DepartedQuery {
                q: Some("D00".into()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert_eq!(found.len(), 9, "ids match case-insensitively");

    let dept = by(BIG).unwrap().department.id;
    let found = c
        .departed(
            ME,
            &DepartedQuery {
                department: Some(dept.clone()),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(found.iter().all(|m| m.department.id == dept) && found.iter().any(|m| m.id == BIG));

    let big_at = by(BIG).unwrap().departed_at;
    let day = &big_at[..10];
    let found = c
        .departed(
            ME,
            &DepartedQuery {
                departed_from: Some(day.into()),
                departed_to: Some(day.into()),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert_eq!(
        found.iter().map(|m| m.id.as_str()).collect::<Vec<_>>(),
        vec![BIG]
    );
    // The app sends the admin's own day as instants with their offset (here UTC+8): the
    // departure is inside that day, and an upper bound just before it leaves it out.
    let at = handover_console::domain::time::parse_rfc3339(&big_at).unwrap();
    let local_day = &handover_console::domain::time::to_rfc3339(at + 8 * 3_600_000)[..10];
    let mut between = |from: String, to: String| {
        c.departed(
            ME,
            &DepartedQuery {
                departed_from: Some(from),
                departed_to: Some(to),
                ..Default::default()
            },
        )
        .unwrap()
        .items
        .iter()
        .any(|m| m.id == BIG)
    };
    assert!(between(
        format!("{local_day}T00:00:00.000+08:00"),
        format!("{local_day}T23:59:59.999+08:00")
    ));
    let just_before = handover_console::domain::time::to_rfc3339(at - 1);
    assert!(!between(
        format!("{local_day}T00:00:00.000+08:00"),
        just_before
    ));
    assert_eq!(
        c.departed(
            ME,
            &DepartedQuery {
                departed_from: Some("last week".into()),
                ..Default::default()
            }
        )
        .unwrap_err()
        .status,
        422
    );

    let sorted = c
        .departed(
            ME,
            &DepartedQuery {
                sort: Some("pending_desc".into()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert_eq!(sorted[0].id, BIG);
    let asc = c
        .departed(
            ME,
            &DepartedQuery {
                sort: Some("departed_at_asc".into()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert_eq!(asc[0].id, OVER_A_YEAR);
    assert_eq!(
        c.departed(
            ME,
            &DepartedQuery {
                sort: Some("name".into()),
                ..Default::default()
            }
        )
        .unwrap_err()
        .status,
        422
    );

    let limited = c
        .departed(
            LIMITED,
            &DepartedQuery {
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(
        limited
            .iter()
            .any(|m| m.reason == Some(DepartedReason::NoPermission)),
        "permission tiers"
    );
}

fn customers_and_members_carry_what_the_wizard_needs(c: &mut dyn Contract) {
    let list = customers(c, BIG);
    assert!(list.iter().any(|x| x.important));
    assert!(list
        .iter()
        .any(|x| x.kind == CustomerKind::Wecom && x.corp_name.is_some()));
    assert!(list.iter().any(|x| !x.tags.is_empty()));
    let locked: Vec<_> = list.iter().filter(|x| !x.transferable).collect();
    assert!(!locked.is_empty() && locked.iter().all(|x| x.reason == Some(40100)));

    let members = all_pages(|cursor| {
        c.members(
            ME,
            &MembersQuery {
                for_departed: Some(SMALL.into()),
                cursor,
                limit: Some(200),
                ..Default::default()
            },
        )
    });
    let reasons: HashSet<_> = members
        .iter()
        .filter_map(|m| m.reason.as_ref().map(SuccessorReason::as_str))
        .collect();
    for r in ["contact_disabled", "not_verified", "inactive_over_a_year"] {
        assert!(reasons.contains(r), "{r} in {reasons:?}");
    }
    assert!(members
        .iter()
        .all(|m| m.eligible == Some(m.reason.is_none())));
    assert!(
        members
            .iter()
            .any(|m| m.customer_limit - m.customer_count < 30),
        "someone near the limit"
    );
    let plain = c.members(ME, &MembersQuery::default()).unwrap().items;
    assert!(
        plain.iter().all(|m| m.eligible.is_none()),
        "eligibility only with for="
    );
    let q: String = plain[0].name.chars().take(1).collect();
    let found = c
        .members(
            ME,
            &MembersQuery {
                q: Some(q.clone()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(found
        .iter()
        .all(|m| m.name.contains(&q) || m.id.contains(&q)));
    let dept = plain[0].department.id.clone();
    let found = c
        .members(
            ME,
            &MembersQuery {
                department: Some(dept.clone()),
                limit: Some(200),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(!found.is_empty() && found.iter().all(|m| m.department.id == dept));
}

fn verification_is_required_and_checked(c: &mut dyn Contract) {
    let succ = roomy_successor(c, SMALL);
    let ids = pick(c, SMALL, 2, false);
    let p = c
        .create(
            ME,
            &handover("h-verify", SMALL, &succ, ids.clone(), vec![], None),
        )
        .unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (428, "verification_required"));
    let p = c
        .verify(
            ME,
            &VerificationRequest {
                method: VerificationMethod::SmsCode,
                code: "000000".into(),
            },
        )
        .unwrap_err();
    assert_eq!(p.status, 422);
    assert_eq!(field_codes(&p), vec![("code".into(), "wrong_code".into())]);
    let other = token(c, APPROVER);
    assert_eq!(
        c.create(
            ME,
            &handover("h-verify", SMALL, &succ, ids.clone(), vec![], Some(other))
        )
        .unwrap_err()
        .status,
        428,
        "someone else's token"
    );
    let t = token(c, ME);
    assert!(c
        .create(
            ME,
            &handover("h-verify", SMALL, &succ, ids, vec![], Some(t))
        )
        .is_ok());
}

fn handover_creation_is_idempotent(c: &mut dyn Contract) {
    let succ = roomy_successor(c, SMALL);
    let ids = pick(c, SMALL, 3, false);
    let t = token(c, ME);
    let req = handover("h-idem", SMALL, &succ, ids.clone(), vec![], Some(t.clone()));
    let (first, created) = c.create(ME, &req).unwrap();
    assert!(created);
    assert_eq!(first.state, HandoverState::Ready);
    assert_eq!(first.customer_count, 3);
    let (again, created) = c.create(ME, &req).unwrap();
    assert!(!created, "same id twice creates one handover");
    assert_eq!(first, again);
    let listed = c.handovers(ME, &HandoversQuery::default()).unwrap().items;
    assert_eq!(listed.iter().filter(|h| h.id == "h-idem").count(), 1);
    let mut different = req.clone();
    different.assignments[0].customer_ids.pop();
    let p = c.create(ME, &different).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (409, "id_conflict"));
}

fn invalid_handovers_name_their_fields(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, MID);
    let mut req = handover(
        "h-bad",
        MID,
        MID,
        vec!["wm-nope".into()],
        vec![],
        Some(t.clone()),
    );
    req.chat_history = ChatHistory {
        scope: ChatScope::Recent,
        days: None,
    };
    let p = c.create(ME, &req).unwrap_err();
    assert_eq!(p.status, 422);
    let fields = field_codes(&p);
    for expected in [
        ("assignments/0/successor", "40130"),
        ("assignments/0/customer_ids/0", "40131"),
        ("chat_history/days", "out_of_range"),
    ] {
        assert!(
            fields.contains(&(expected.0.into(), expected.1.into())),
            "{expected:?} in {fields:?}"
        );
    }
    let ids = pick(c, OVER_A_YEAR, 1, false);
    let p = c
        .create(
            ME,
            &handover("h-old", OVER_A_YEAR, &succ, ids, vec![], Some(t.clone())),
        )
        .unwrap_err();
    assert!(field_codes(&p).contains(&("departed_member".into(), "departed_over_a_year".into())));
    let ids = pick(c, MID, 1, false);
    let p = c
        .create(
            ME,
            &handover(
                "h-dup",
                MID,
                &succ,
                vec![ids[0].clone(), ids[0].clone()],
                vec![],
                Some(t),
            ),
        )
        .unwrap_err();
    assert!(field_codes(&p).iter().any(|(_, code)| code == "duplicate"));
}

fn batches_are_idempotent_and_bounded(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, BIG);
    let ids = pick(c, BIG, 150, false);
    let (h, _) = c
        .create(
            ME,
            &handover("h-batch", BIG, &succ, ids.clone(), vec![], Some(t)),
        )
        .unwrap();
    let b1 = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: ids[..100].to_vec(),
        group_ids: vec![],
    };
    let r1 = c.batch(ME, &h.id, &b1).unwrap();
    assert_eq!(r1.outcomes.len(), 100);
    assert!(r1
        .outcomes
        .iter()
        .all(|o| matches!(o, ItemOutcome::Accepted { .. })));
    assert_eq!(
        c.batch(ME, &h.id, &b1).unwrap(),
        r1,
        "same seq answers the same"
    );
    assert_eq!(
        c.handover(ME, &h.id).unwrap().counts.waiting,
        100,
        "and is not applied twice"
    );
    let clash = NewBatch {
        customer_ids: ids[100..].to_vec(),
        ..b1.clone()
    };
    assert_eq!(c.batch(ME, &h.id, &clash).unwrap_err().code, "seq_conflict");
    let too_many = NewBatch {
        seq: 2,
        customer_ids: ids.iter().chain(ids.iter()).take(101).cloned().collect(),
        ..b1.clone()
    };
    assert_eq!(c.batch(ME, &h.id, &too_many).unwrap_err().status, 422);
    let stranger = NewBatch {
        seq: 3,
        customer_ids: vec!["wm-nope".into()],
        ..b1.clone()
    };
    assert!(field_codes(&c.batch(ME, &h.id, &stranger).unwrap_err())
        .contains(&("customer_ids/0".into(), "not_in_handover".into())));
    assert_eq!(
        c.batch(
            APPROVER,
            &h.id,
            &NewBatch {
                seq: 4,
                ..b1.clone()
            }
        )
        .unwrap_err()
        .status,
        403,
        "only creator or approver runs it"
    );
    assert_eq!(c.batch(ME, "h-none", &b1).unwrap_err().status, 404);
    assert_eq!(c.handover(ME, &h.id).unwrap().state, HandoverState::Running);
    let rest = NewBatch {
        seq: 5,
        customer_ids: ids[100..].to_vec(),
        ..b1
    };
    c.batch(ME, &h.id, &rest).unwrap();
    assert_eq!(
        c.handover(ME, &h.id).unwrap().state,
        HandoverState::Submitted
    );
}

fn per_item_rejections_carry_codes(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, MANY_GROUPS);
    let locked: Vec<String> = customers(c, MANY_GROUPS)
        .into_iter()
        .filter(|x| !x.transferable)
        .map(|x| x.id)
        .take(2)
        .collect();
    assert!(!locked.is_empty());
    let free = pick(c, MANY_GROUPS, 2, false);
    let groups: Vec<String> = all_pages(|cursor| {
        c.groups(
            ME,
            MANY_GROUPS,
            &PageQuery {
                cursor,
                limit: None,
            },
        )
    })
    .into_iter()
    .map(|g| g.id)
    .collect();
    // Inherited groups are not listed but a client may still send one.
    let inherited = format!("wr{MANY_GROUPS}0017");
    assert!(!groups.contains(&inherited));
    let mut all_groups = groups.clone();
    all_groups.push(inherited.clone());
    let cust: Vec<String> = locked.iter().chain(free.iter()).cloned().collect();
    let (h, _) = c
        .create(
            ME,
            &handover(
                "h-codes",
                MANY_GROUPS,
                &succ,
                cust.clone(),
                all_groups.clone(),
                Some(t.clone()),
            ),
        )
        .unwrap();
    let r = c
        .batch(
            ME,
            &h.id,
            &NewBatch {
                seq: 1,
                successor: succ.clone(),
                customer_ids: cust.clone(),
                group_ids: vec![],
            },
        )
        .unwrap();
    let code_of = |r: &BatchResult, id: &str| {
        r.outcomes.iter().find_map(|o| match o {
            ItemOutcome::Rejected {
                id: i,
                code,
                message,
                ..
            } if i == id => {
                assert!(!message.is_empty());
                Some(*code)
            }
            _ => None,
        })
    };
    assert_eq!(code_of(&r, &locked[0]), Some(40100));
    assert_eq!(code_of(&r, &free[0]), None);
    // Sending an accepted customer again in another batch is reported, not re-applied.
    let r2 = c
        .batch(
            ME,
            &h.id,
            &NewBatch {
                seq: 2,
                successor: succ.clone(),
                customer_ids: vec![free[0].clone()],
                group_ids: vec![],
            },
        )
        .unwrap();
    assert_eq!(code_of(&r2, &free[0]), Some(40129));
    // Groups: at most 300 per original owner per day; an inherited group says so.
    let mut rejected = Vec::new();
    for (i, chunk) in all_groups.chunks(100).enumerate() {
        let r = c
            .batch(
                ME,
                &h.id,
                &NewBatch {
                    seq: 10 + i as u32,
                    successor: succ.clone(),
                    customer_ids: vec![],
                    group_ids: chunk.to_vec(),
                },
            )
            .unwrap();
        rejected.extend(r.outcomes.into_iter().filter_map(|o| match o {
            ItemOutcome::Rejected { id, code, .. } => Some((id, code)),
            _ => None,
        }));
    }
    assert!(rejected.contains(&(inherited, 90508)));
    assert_eq!(
        rejected.iter().filter(|(_, code)| *code == 40128).count(),
        all_groups.len() - 300 - 1
    );
    // A customer waiting in this handover is busy for any other handover.
    let (h2, _) = c
        .create(
            ME,
            &handover(
                "h-codes-2",
                MANY_GROUPS,
                &succ,
                vec![free[1].clone()],
                vec![],
                Some(t),
            ),
        )
        .unwrap();
    let r3 = c
        .batch(
            ME,
            &h2.id,
            &NewBatch {
                seq: 1,
                successor: succ,
                customer_ids: vec![free[1].clone()],
                group_ids: vec![],
            },
        )
        .unwrap();
    assert_eq!(code_of(&r3, &free[1]), Some(40100));
    let failed = c
        .items(
            ME,
            &h.id,
            &ItemsQuery {
                status: Some(ItemStatus::Failed),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(failed
        .iter()
        .all(|i| i.code.is_some() && i.message.is_some()));
    assert!(failed.iter().any(|i| i.code == Some(40128)));
}

fn outcomes_move_on_the_clock(c: &mut dyn Contract) {
    let t = token(c, ME);
    // The successor closest to their limit: some customers end as limit_exceeded.
    let near = all_pages(|cursor| {
        c.members(
            ME,
            &MembersQuery {
                for_departed: Some(BIG.into()),
                cursor,
                limit: Some(200),
                ..Default::default()
            },
        )
    })
    .into_iter()
    .filter(|m| m.eligible == Some(true) && m.customer_limit > m.customer_count)
    .min_by_key(|m| m.customer_limit - m.customer_count)
    .expect("a successor near the limit");
    let room = (near.customer_limit - near.customer_count) as usize;
    let ids = pick(c, BIG, 100, false);
    let (h, _) = c
        .create(
            ME,
            &handover("h-clock", BIG, &near.id, ids.clone(), vec![], Some(t)),
        )
        .unwrap();
    let r = c
        .batch(
            ME,
            &h.id,
            &NewBatch {
                seq: 1,
                successor: near.id.clone(),
                customer_ids: ids.clone(),
                group_ids: vec![],
            },
        )
        .unwrap();
    assert!(r
        .outcomes
        .iter()
        .all(|o| matches!(o, ItemOutcome::Accepted { .. })));
    let before = c.handover(ME, &h.id).unwrap();
    assert_eq!(before.counts.waiting, 100);
    let waiting = c
        .items(
            ME,
            &h.id,
            &ItemsQuery {
                status: Some(ItemStatus::Waiting),
                ..Default::default()
            },
        )
        .unwrap();
    assert!(waiting.items.iter().all(|i| i.takeover_at.is_some()));
    c.advance(TAKEOVER_MS + 300);
    let after = c.handover(ME, &h.id).unwrap();
    assert_eq!(after.counts.waiting, 0);
    assert_eq!(after.state, HandoverState::Completed);
    assert!(after.counts.refused > 0, "some customers refuse");
    assert_eq!(
        after.counts.taken_over as usize,
        room.min(100 - after.counts.refused as usize)
    );
    assert_eq!(
        after.counts.limit_exceeded as usize,
        100 - after.counts.refused as usize - after.counts.taken_over as usize
    );
    assert!(after.counts.limit_exceeded > 0);
    // Taken-over customers leave the departed member's pending list.
    let left: HashSet<String> = customers(c, BIG).into_iter().map(|x| x.id).collect();
    let taken = c
        .items(
            ME,
            &h.id,
            &ItemsQuery {
                status: Some(ItemStatus::TakenOver),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(taken.iter().all(|i| !left.contains(&i.id)));
    let refused = c
        .items(
            ME,
            &h.id,
            &ItemsQuery {
                status: Some(ItemStatus::Refused),
                ..Default::default()
            },
        )
        .unwrap()
        .items;
    assert!(
        refused.iter().all(|i| left.contains(&i.id)),
        "refused customers stay pending"
    );
    let events = c.events(ME, &h.id, &PageQuery::default()).unwrap().items;
    let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(
        kinds,
        vec!["created", "verified", "batch_submitted", "outcome_changed"]
    );
    assert_eq!(events[0].actor.id, ME);
}

fn approval_rules(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, MID);
    let vip = pick(c, MID, 1, true);
    assert!(
        !vip.is_empty(),
        "the mid-size member has an important customer"
    );
    let (h, _) = c
        .create(
            ME,
            &handover(
                "h-approve",
                MID,
                &succ,
                vip.clone(),
                vec![],
                Some(t.clone()),
            ),
        )
        .unwrap();
    assert_eq!(h.state, HandoverState::PendingApproval);
    assert_eq!(h.approval_reasons, vec![ApprovalReason::ImportantCustomers]);
    let b = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: vip.clone(),
        group_ids: vec![],
    };
    assert_eq!(c.batch(ME, &h.id, &b).unwrap_err().code, "approval_pending");
    let p = c.approve(ME, &h.id).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (403, "self_approval"));
    assert_eq!(c.approve(LIMITED, &h.id).unwrap_err().status, 403);
    let approved = c.approve(APPROVER, &h.id).unwrap();
    assert_eq!(approved.state, HandoverState::Ready);
    assert_eq!(approved.decided_by.map(|a| a.id).as_deref(), Some(APPROVER));
    assert_eq!(c.approve(APPROVER, &h.id).unwrap_err().status, 409);
    assert!(
        c.batch(APPROVER, &h.id, &b).is_ok(),
        "the approver may start the run"
    );

    let other = pick(c, MID, 2, true);
    let (h2, _) = c
        .create(
            ME,
            &handover(
                "h-reject",
                MID,
                &succ,
                other[1..].to_vec(),
                vec![],
                Some(t.clone()),
            ),
        )
        .unwrap();
    assert_eq!(
        c.reject(APPROVER, &h2.id, &RejectRequest { reason: " ".into() })
            .unwrap_err()
            .status,
        422
    );
    let rejected = c
        .reject(
            APPROVER,
            &h2.id,
            &RejectRequest {
                reason: "客户需要单独沟通".into(),
            },
        )
        .unwrap();
    assert_eq!(rejected.state, HandoverState::Rejected);
    assert_eq!(
        rejected.rejection_reason.as_deref(),
        Some("客户需要单独沟通")
    );
    let b2 = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: other[1..].to_vec(),
        group_ids: vec![],
    };
    assert_eq!(
        c.batch(ME, &h2.id, &b2).unwrap_err().code,
        "handover_closed"
    );
    let kinds: Vec<String> = c
        .events(ME, &h2.id, &PageQuery::default())
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.kind)
        .collect();
    assert!(kinds.contains(&"rejected".to_string()));

    // Large handovers need approval too.
    let many = pick(c, BIG, 1001, false);
    let succ = roomy_successor(c, BIG);
    let (h3, _) = c
        .create(ME, &handover("h-large", BIG, &succ, many, vec![], Some(t)))
        .unwrap();
    assert_eq!(h3.approval_reasons, vec![ApprovalReason::LargeHandover]);
}

fn records_filter(c: &mut dyn Contract) {
    let t = token(c, ME);
    let s1 = roomy_successor(c, SMALL);
    let small = pick(c, SMALL, 2, false);
    c.create(
        ME,
        &handover("h-r1", SMALL, &s1, small, vec![], Some(t.clone())),
    )
    .unwrap();
    let mid = pick(c, MID, 2, false);
    c.create(
        ME,
        &handover("h-r2", MID, &s1, mid, vec![], Some(t.clone())),
    )
    .unwrap();
    let vip = pick(c, MID, 1, true);
    c.create(ME, &handover("h-r3", MID, &s1, vip, vec![], Some(t)))
        .unwrap();
    let ids = |p: Page<Handover>| p.items.into_iter().map(|h| h.id).collect::<Vec<_>>();
    assert_eq!(
        ids(c.handovers(ME, &HandoversQuery::default()).unwrap()),
        vec!["h-r3", "h-r2", "h-r1"],
        "newest first"
    );
    assert_eq!(
        ids(c
            .handovers(
                ME,
                &HandoversQuery {
                    departed_member: Some(SMALL.into()),
                    ..Default::default()
                }
            )
            .unwrap()),
        vec!["h-r1"]
    );
    assert_eq!(
        ids(c
            .handovers(
                ME,
                &HandoversQuery {
                    state: Some(HandoverState::PendingApproval),
                    ..Default::default()
                }
            )
            .unwrap()),
        vec!["h-r3"]
    );
    assert_eq!(
        ids(c
            .handovers(
                ME,
                &HandoversQuery {
                    successor: Some(s1.clone()),
                    limit: Some(2),
                    ..Default::default()
                }
            )
            .unwrap())
        .len(),
        2
    );
    assert!(ids(c
        .handovers(
            ME,
            &HandoversQuery {
                created_by: Some(APPROVER.into()),
                ..Default::default()
            }
        )
        .unwrap())
    .is_empty());
    assert!(ids(c
        .handovers(
            ME,
            &HandoversQuery {
                created_to: Some("2000-01-01".into()),
                ..Default::default()
            }
        )
        .unwrap())
    .is_empty());
    assert_eq!(c.handover(ME, "h-none").unwrap_err().status, 404);
    assert_eq!(
        c.items(ME, "h-none", &ItemsQuery::default())
            .unwrap_err()
            .status,
        404
    );
    let unsent = c
        .items(
            ME,
            "h-r1",
            &ItemsQuery {
                status: Some(ItemStatus::Unsent),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(unsent.items.len(), 2);
    assert!(unsent.items.iter().all(|i| !i.name.is_empty()));
}

/// Withdrawing (contract 1.2): the creator takes back a handover nothing of which was sent; it
/// ends cancelled with a `withdrawn` event, a retry answers the same, and once batches were
/// submitted it is too late (409 `already_started`).
fn withdraw_before_anything_is_sent(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, MID);
    let vip = pick(c, MID, 1, true);
    let (pending, _) = c
        .create(
            ME,
            &handover("h-wd-1", MID, &succ, vip.clone(), vec![], Some(t.clone())),
        )
        .unwrap();
    assert_eq!(pending.state, HandoverState::PendingApproval);
    let p = c.withdraw(APPROVER, &pending.id).unwrap_err();
    assert_eq!(
        (p.status, p.code.as_str()),
        (403, "forbidden"),
        "only the creator"
    );
    let gone = c.withdraw(ME, &pending.id).unwrap();
    assert_eq!(gone.state, HandoverState::Cancelled);
    assert_eq!(gone.counts.unsent, 1, "nothing was sent");
    let again = c.withdraw(ME, &pending.id).unwrap();
    assert_eq!(
        again.state,
        HandoverState::Cancelled,
        "a retry answers the same"
    );
    let events = c
        .events(ME, &pending.id, &PageQuery::default())
        .unwrap()
        .items;
    let withdrawn: Vec<&HandoverEvent> = events.iter().filter(|e| e.kind == "withdrawn").collect();
    assert_eq!(withdrawn.len(), 1, "audited once: {events:?}");
    assert_eq!(withdrawn[0].actor.id, ME);
    let p = c.approve(APPROVER, &pending.id).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (409, "not_pending"));
    let b = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: vip,
        group_ids: vec![],
    };
    assert_eq!(
        c.batch(ME, &pending.id, &b).unwrap_err().code,
        "handover_closed"
    );
    let cancelled = c
        .handovers(
            ME,
            &HandoversQuery {
                state: Some(HandoverState::Cancelled),
                ..Default::default()
            },
        )
        .unwrap();
    assert_eq!(cancelled.items.len(), 1);

    // Ready, then one batch: too late.
    let ids = pick(c, MID, 3, false);
    let (ready, _) = c
        .create(
            ME,
            &handover("h-wd-2", MID, &succ, ids.clone(), vec![], Some(t.clone())),
        )
        .unwrap();
    assert_eq!(ready.state, HandoverState::Ready);
    let b = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: ids[..1].to_vec(),
        group_ids: vec![],
    };
    c.batch(ME, &ready.id, &b).unwrap();
    let p = c.withdraw(ME, &ready.id).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (409, "already_started"));
    assert_eq!(
        c.handover(ME, &ready.id).unwrap().state,
        HandoverState::Running
    );

    // Rejected by the approver: closed.
    let other = pick(c, SMALL, 1, true);
    let s2 = roomy_successor(c, SMALL);
    let (h3, _) = c
        .create(ME, &handover("h-wd-3", SMALL, &s2, other, vec![], Some(t)))
        .unwrap();
    c.reject(
        APPROVER,
        &h3.id,
        &RejectRequest {
            reason: "不合适".into(),
        },
    )
    .unwrap();
    let p = c.withdraw(ME, &h3.id).unwrap_err();
    assert_eq!((p.status, p.code.as_str()), (409, "handover_closed"));
    assert_eq!(c.withdraw(ME, "h-none").unwrap_err().status, 404);
}

/// Events carry typed facts (contract 1.2), so a client words them in its own language.
fn events_carry_typed_facts(c: &mut dyn Contract) {
    let t = token(c, ME);
    let succ = roomy_successor(c, MID);
    let mut ids = pick(c, MID, 2, false);
    ids.extend(pick(c, MID, 1, true));
    let (h, _) = c
        .create(
            ME,
            &handover("h-facts", MID, &succ, ids.clone(), vec![], Some(t)),
        )
        .unwrap();
    c.approve(APPROVER, &h.id).unwrap();
    c.batch(
        ME,
        &h.id,
        &NewBatch {
            seq: 1,
            successor: succ,
            customer_ids: ids,
            group_ids: vec![],
        },
    )
    .unwrap();
    c.advance(TAKEOVER_MS + 300);
    let events = c.events(ME, &h.id, &PageQuery::default()).unwrap().items;
    let facts = |kind: &str| {
        events
            .iter()
            .find(|e| e.kind == kind)
            .and_then(|e| e.facts.clone())
            .unwrap_or_else(|| panic!("{kind} has facts: {events:?}"))
    };
    let created = facts("created");
    assert_eq!((created.customers, created.groups), (Some(3), Some(0)));
    assert_eq!(
        facts("approval_requested").reasons,
        vec![ApprovalReason::ImportantCustomers]
    );
    let batch = facts("batch_submitted");
    assert_eq!(batch.seq, Some(1));
    assert_eq!(
        batch.accepted.unwrap_or(0) + batch.rejected.unwrap_or(0),
        3,
        "{batch:?}"
    );
    let outcome = facts("outcome_changed");
    assert_eq!(outcome.seq, Some(1));
    assert_eq!(
        outcome.taken_over.unwrap_or(0)
            + outcome.refused.unwrap_or(0)
            + outcome.limit_exceeded.unwrap_or(0),
        batch.accepted.unwrap_or(0)
    );
}

macro_rules! contract_suite {
    ($($scenario:ident),* $(,)?) => {
        mod store {
            $( #[test] fn $scenario() { super::$scenario(&mut super::drivers::Direct::new()) } )*
        }
        mod http {
            $( #[test] fn $scenario() { super::$scenario(&mut super::drivers::Http::new()) } )*
        }
        mod sqlite {
            $( #[test] fn $scenario() { super::$scenario(&mut super::drivers::Http::sqlite()) } )*
        }
        mod postgres {
            $( #[test] fn $scenario() { super::$scenario(&mut super::drivers::Http::postgres()) } )*
        }
    };
}

contract_suite!(
    session_and_departments,
    paging_reaches_the_very_end,
    departed_filters_and_cases,
    customers_and_members_carry_what_the_wizard_needs,
    verification_is_required_and_checked,
    handover_creation_is_idempotent,
    invalid_handovers_name_their_fields,
    batches_are_idempotent_and_bounded,
    per_item_rejections_carry_codes,
    outcomes_move_on_the_clock,
    approval_rules,
    records_filter,
    withdraw_before_anything_is_sent,
    events_carry_typed_facts,
);

/// `--source wecom` over the simulator. Left out, because WeCom's API cannot tell them:
/// - `departed_filters_and_cases`: with a permissions file an admin sees only their own
///   departments (issue 15), so nobody is listed as `no_permission`; and a member who left
///   with nothing pending and is not marked left in the directory cannot be found;
/// - `customers_and_members_carry_what_the_wizard_needs`: customers already in a transfer
///   started elsewhere (40100), members not real-name verified or inactive for a year are
///   only known when a transfer is refused;
/// - `per_item_rejections_carry_codes`: the same locked customers, and an inherited group is
///   no longer the departed member's (it cannot be put in a handover at all);
/// - `outcomes_move_on_the_clock`: a member's customer limit and count are not in the API, so
///   "the successor nearest the limit" cannot be picked from the member list.
mod wecom {
    macro_rules! wecom_suite {
        ($($scenario:ident),* $(,)?) => {
            $( #[test] fn $scenario() {
                super::$scenario(&mut super::wecom_driver::Wecom::new())
            } )*
        };
    }
    wecom_suite!(
        session_and_departments,
        paging_reaches_the_very_end,
        verification_is_required_and_checked,
        handover_creation_is_idempotent,
        invalid_handovers_name_their_fields,
        batches_are_idempotent_and_bounded,
        approval_rules,
        records_filter,
        withdraw_before_anything_is_sent,
        events_carry_typed_facts,
    );
}
