//! The store's own rules beyond the contract suite (backend/tests/contract.rs): the approval
//! policy it advertises is the one it applies, and saved demos keep loading.

use super::*;
use crate::demo::admins::{DemoAdmin, ADMINS};

const NOW: i64 = 1_795_623_928_000;
const ME: &str = "admin-1";

fn store() -> Store {
    Store::new(Options::default(), NOW)
}

fn token(s: &mut Store) -> String {
    let req = VerificationRequest {
        method: VerificationMethod::SmsCode,
        code: DEMO_CODE.into(),
    };
    s.verify(ME, &req, NOW).map(|t| t.token).unwrap_or_default()
}

/// `n` transferable customers of `departed`, important or not.
fn pick(s: &Store, departed: &str, n: usize, important: bool) -> Vec<String> {
    let q = PageQuery {
        cursor: None,
        limit: Some(1000),
    };
    let page = s.customers(ME, departed, &q, NOW).unwrap();
    let ids: Vec<String> = page
        .items
        .into_iter()
        .filter(|c| c.transferable && c.important == important)
        .map(|c| c.id)
        .take(n)
        .collect();
    assert_eq!(ids.len(), n, "the seed has enough customers");
    ids
}

fn successor(s: &Store, departed: &str) -> String {
    let q = MembersQuery {
        for_departed: Some(departed.into()),
        limit: Some(200),
        ..Default::default()
    };
    let members = s.members(ME, &q).unwrap().items;
    let m = members
        .into_iter()
        .filter(|m| m.eligible == Some(true))
        .max_by_key(|m| m.customer_limit - m.customer_count);
    m.map(|m| m.id).unwrap_or_default()
}

/// Sends `ids` to `to` in batches of `size`, numbered from 1.
fn send_in_batches(s: &mut Store, id: &str, to: &str, ids: &[String], size: usize) {
    for (k, chunk) in ids.chunks(size).enumerate() {
        let b = NewBatch {
            seq: k as u32 + 1,
            successor: to.into(),
            customer_ids: chunk.to_vec(),
            group_ids: vec![],
        };
        s.submit_batch(ME, id, &b, NOW).unwrap();
    }
}

fn create(s: &mut Store, id: &str, departed: &str, customers: Vec<String>) -> Handover {
    let to = successor(s, departed);
    create_for(s, id, departed, &to, customers)
}

fn create_for(
    s: &mut Store,
    id: &str,
    departed: &str,
    to: &str,
    customers: Vec<String>,
) -> Handover {
    let req = NewHandover {
        id: id.into(),
        departed_member: departed.into(),
        assignments: vec![Assignment {
            successor: to.into(),
            customer_ids: customers,
            group_ids: vec![],
        }],
        chat_history: ChatHistory {
            scope: ChatScope::All,
            days: None,
        },
        note: None,
        verification_token: Some(token(s)),
    };
    s.create_handover(ME, &req, NOW).unwrap().0
}

#[test]
fn important_customers_need_approval_under_the_default_policy() {
    let mut s = store();
    assert!(s.session(ME).unwrap().approval.required_for_important);
    let vip = pick(&s, "d004", 2, true);
    let h = create(&mut s, "h-vip", "d004", vip);
    assert_eq!(h.state, HandoverState::PendingApproval);
    assert_eq!(h.approval_reasons, vec![ApprovalReason::ImportantCustomers]);
}

#[test]
fn creation_applies_the_policy_the_session_advertises() {
    let mut s = store();
    s.approval = ApprovalPolicy {
        required_for_important: false,
        max_customers_without_approval: 3,
    };
    assert_eq!(s.session(ME).unwrap().approval, s.approval);
    let vip = pick(&s, "d004", 2, true);
    let h = create(&mut s, "h-vip", "d004", vip);
    assert_eq!(h.state, HandoverState::Ready, "important alone passes");
    assert!(!h.approval_required && h.approval_reasons.is_empty());

    let mut many = pick(&s, "d004", 3, false);
    many.extend(pick(&s, "d004", 1, true));
    let h = create(&mut s, "h-many", "d004", many);
    assert_eq!(h.approval_reasons, vec![ApprovalReason::LargeHandover]);
    let events = s.events(ME, "h-many", &PageQuery::default(), NOW).unwrap();
    let requested = events.items.iter().find(|e| e.kind == "approval_requested");
    assert_eq!(requested.map(|e| e.detail.as_str()), Some("large_handover"));
}

#[test]
fn saved_demos_keep_loading() {
    // The stored format before reasons were typed, plus a reason this build does not know.
    let json = r#"{"anchor":1795622400000,"handovers":[{"request":{"id":"h1",
        "departed_member":"d004","assignments":[{"successor":"m0001","customer_ids":["c1"],
        "group_ids":[]}],"chat_history":{"scope":"all"}},"created_by":"admin-1",
        "created_at":1795623928000,"state":"pending_approval",
        "approval_reasons":["important_customers","legal_hold"],"important_count":1,
        "decided_by":null,"rejection_reason":null,"items":[{"id":"c1","kind":"customer",
        "successor":"m0001","sent":{"Accepted":{"takeover_at":1795623929000,
        "fate":"TakenOver"}}}],"batches":[],"events":[{"kind":"created","at":1795623928000,
        "actor":"admin-1","detail":"1 customers, 0 groups"}]}],"tokens":[],
        "group_days":{"d004|20782":1},"next_token":3}"#;
    let state: State = serde_json::from_str(json).unwrap();
    let s = Store::with_state(Options::default(), state);
    let h = s.handover(ME, "h1", NOW + 2_000).unwrap();
    assert_eq!(
        h.approval_reasons,
        vec![
            ApprovalReason::ImportantCustomers,
            ApprovalReason::Other("legal_hold".into())
        ]
    );
    assert_eq!(h.counts.taken_over, 1);
    let events = s
        .events(ME, "h1", &PageQuery::default(), NOW)
        .unwrap()
        .items;
    assert_eq!(
        (events[0].kind.as_str(), events[0].facts.clone()),
        ("created", None)
    );
    let again = serde_json::to_string(s.state()).unwrap();
    assert!(again.contains(r#""approval_reasons":["important_customers","legal_hold"]"#));
}

#[test]
fn eligibility_reasons_wecom_first_then_the_admins_tier() {
    let s = store();
    let q = DepartedQuery {
        only_pending: Some(false),
        limit: Some(200),
        ..Default::default()
    };
    let limited = s.departed_members("admin-3", &q, NOW).unwrap().items;
    let old = limited.iter().find(|m| m.id == "d014").unwrap();
    assert_eq!(old.reason, Some(DepartedReason::DepartedOverAYear));
    assert!(limited
        .iter()
        .any(|m| m.reason == Some(DepartedReason::NoPermission)));
    assert!(limited.iter().all(|m| m.eligible == m.reason.is_none()));
    let all = s.departed_members(ME, &q, NOW).unwrap().items;
    assert!(all
        .iter()
        .all(|m| m.reason != Some(DepartedReason::NoPermission)));
}

#[test]
fn admins_are_found_by_id_and_unknown_actors_are_refused() {
    assert_eq!(
        DemoAdmin::find("admin-3").map(|a| a.may_approve),
        Some(false)
    );
    assert!(ADMINS.iter().all(|a| DemoAdmin::find(a.id) == Some(a)));
    let s = store();
    assert_eq!(s.session("nobody").unwrap_err().status, 401);
    let p = s.session("admin-3").unwrap().permissions;
    assert_eq!((p.departments.len(), p.may_approve), (2, false));
}

/// Eligible successors of `departed`, with their spare room, roomiest first.
fn by_room(s: &Store, departed: &str) -> Vec<(String, u32)> {
    let q = MembersQuery {
        for_departed: Some(departed.into()),
        limit: Some(200),
        ..Default::default()
    };
    let mut m: Vec<(String, u32)> = s
        .members(ME, &q)
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.eligible == Some(true))
        .map(|m| (m.id, m.customer_limit.saturating_sub(m.customer_count)))
        .collect();
    m.sort_by_key(|(_, room)| std::cmp::Reverse(*room));
    m
}

#[test]
fn each_assignment_is_its_own_and_a_full_successor_gets_per_item_outcomes() {
    let mut s = store();
    s.approval = ApprovalPolicy {
        required_for_important: false,
        max_customers_without_approval: 10_000,
    };
    let room = by_room(&s, "d004");
    let roomy = room[0].0.clone();
    let (full, spare) = room
        .iter()
        .rev()
        .find(|(_, r)| *r < 10)
        .cloned()
        .expect("a successor with little room");
    let ids = pick(&s, "d004", 30, false);
    let assignment = |successor: &str, ids: &[String]| Assignment {
        successor: successor.into(),
        customer_ids: ids.to_vec(),
        group_ids: vec![],
    };
    let mut req = NewHandover {
        id: "h-split".into(),
        departed_member: "d004".into(),
        assignments: vec![
            assignment(&roomy, &ids[..15]),
            assignment("nobody", &ids[15..]),
        ],
        chat_history: ChatHistory {
            scope: ChatScope::All,
            days: None,
        },
        note: None,
        verification_token: Some(token(&mut s)),
    };
    // A bad successor is that assignment's error only.
    let p = s.create_handover(ME, &req, NOW).unwrap_err();
    let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, vec!["assignments/1/successor"]);
    req.assignments[1].successor = full.clone();
    let h = s.create_handover(ME, &req, NOW).unwrap().0;
    assert_eq!(h.successors.len(), 2);
    assert_eq!(h.by_successor.len(), 2);
    assert_eq!(h.by_successor[1].customer_count, 15);
    for (seq, a) in req.assignments.iter().enumerate() {
        let batch = NewBatch {
            seq: seq as u32 + 1,
            successor: a.successor.clone(),
            customer_ids: a.customer_ids.clone(),
            group_ids: vec![],
        };
        let r = s.submit_batch(ME, "h-split", &batch, NOW).unwrap();
        assert_eq!(
            r.outcomes.len(),
            15,
            "every item answered, none refused whole"
        );
    }
    let later = NOW + 60_000;
    let h = s.handover(ME, "h-split", later).unwrap();
    let (ok, over) = (&h.by_successor[0], &h.by_successor[1]);
    assert_eq!(ok.counts.limit_exceeded, 0);
    assert!(
        over.counts.limit_exceeded as usize >= 15 - spare as usize - over.counts.refused as usize,
        "{over:?}"
    );
    assert!(over.counts.taken_over <= spare);
    let sum = |c: &StatusCounts| {
        c.unsent + c.waiting + c.taken_over + c.refused + c.limit_exceeded + c.failed
    };
    assert_eq!(sum(&ok.counts) + sum(&over.counts), 30);
    // Records filter by successor.
    let q = HandoversQuery {
        successor: Some(full),
        ..Default::default()
    };
    assert_eq!(s.handovers(ME, &q, later).unwrap().items.len(), 1);
    let q = HandoversQuery {
        successor: Some("m9999".into()),
        ..Default::default()
    };
    assert!(s.handovers(ME, &q, later).unwrap().items.is_empty());
}

/// The seam a backend puts the real WeCom behind: the store names what to send, never an item
/// already accepted; WeCom's answers are recorded; an accepted customer waits until its
/// outcome is reported, however late.
#[test]
fn the_transfer_seam_sends_each_item_once_and_waits_for_reported_outcomes() {
    use std::collections::HashMap;
    let mut s = store();
    let ids = pick(&s, "d004", 3, false);
    let h = create(&mut s, "h-seam", "d004", ids.clone());
    let succ = h.successors[0].id.clone();
    let b1 = NewBatch {
        seq: 1,
        successor: succ.clone(),
        customer_ids: ids[..2].to_vec(),
        group_ids: vec![],
    };
    let Ok(Prepared::Call(call)) = s.prepare_batch(ME, "h-seam", &b1, NOW) else {
        panic!("a call to make")
    };
    assert_eq!(
        (call.kind, call.ids.clone()),
        (ItemKind::Customer, ids[..2].to_vec())
    );
    let answers: HashMap<String, Answer> = [
        (
            ids[0].clone(),
            Answer::Accepted {
                takeover_at: NOW + 10,
            },
        ),
        (ids[1].clone(), Answer::Rejected { code: 40098 }),
    ]
    .into_iter()
    .collect();
    let r = s.finish_batch(ME, "h-seam", &b1, &answers, NOW).unwrap();
    assert!(matches!(
        r.outcomes[1],
        ItemOutcome::Rejected { code: 40098, .. }
    ));
    assert_eq!(
        s.prepare_batch(ME, "h-seam", &b1, NOW).unwrap(),
        Prepared::Replay(r),
        "the same seq is answered from the records"
    );
    let later = NOW + 1_000_000;
    assert_eq!(s.handover(ME, "h-seam", later).unwrap().counts.waiting, 1);
    assert_eq!(s.unreported(later).len(), 1);
    let b2 = NewBatch {
        seq: 2,
        customer_ids: ids[..1].to_vec(),
        ..b1.clone()
    };
    let Ok(Prepared::Call(call)) = s.prepare_batch(ME, "h-seam", &b2, NOW) else {
        panic!("a call")
    };
    assert!(
        call.ids.is_empty(),
        "an accepted customer is never sent again"
    );
    let r = s
        .finish_batch(ME, "h-seam", &b2, &HashMap::new(), NOW)
        .unwrap();
    assert!(matches!(
        r.outcomes[0],
        ItemOutcome::Rejected { code: 40129, .. }
    ));
    assert!(s.record_outcome("h-seam", &ids[0], ItemStatus::TakenOver, later + 5, later));
    let h = s.handover(ME, "h-seam", later).unwrap();
    assert_eq!(
        (h.counts.taken_over, h.counts.failed, h.counts.unsent),
        (1, 1, 1)
    );
    assert!(s.unreported(later).is_empty());
}

/// A deployment's own admins: lists show only an admin's departments.
#[test]
fn a_policy_hides_other_departments() {
    let mut s = store();
    s.set_policy(Policy {
        admins: vec![crate::demo::AdminSpec {
            id: "tier".into(),
            name: "Tier".into(),
            may_approve: false,
            departments: vec!["dept-01".into()],
        }],
        hide_other_departments: true,
        external_verification: true,
        chat_archive: false,
    });
    let depts = s.departments("tier").unwrap();
    assert_eq!(depts.len(), 1);
    let q = DepartedQuery {
        only_pending: Some(false),
        limit: Some(200),
        ..Default::default()
    };
    let seen = s.departed_members("tier", &q, NOW).unwrap().items;
    assert!(seen.iter().all(|m| m.department.id == "dept-01"));
    assert_eq!(s.authenticate(ME).unwrap_err().status, 401);
    let req = VerificationRequest {
        method: VerificationMethod::Totp,
        code: DEMO_CODE.into(),
    };
    assert_eq!(s.verify("tier", &req, NOW).unwrap_err().status, 422);
    assert!(!s.session("tier").unwrap().features.chat_archive);
}

/// A successor's room counts what earlier batches (and other handovers) already promised them:
/// the batches of one handover, answered one after another, never fill a successor past their
/// limit, and the members list shows the room they took.
#[test]
fn batches_after_batches_respect_the_successors_room() {
    let mut s = store();
    let departed = "d005";
    let q = MembersQuery {
        for_departed: Some(departed.into()),
        limit: Some(200),
        ..Default::default()
    };
    let near = s
        .members(ME, &q)
        .unwrap()
        .items
        .into_iter()
        .filter(|m| m.eligible == Some(true) && m.customer_limit > m.customer_count)
        .min_by_key(|m| m.customer_limit - m.customer_count)
        .unwrap();
    let room = (near.customer_limit - near.customer_count) as usize;
    let n = room + 120;
    let ids = pick(&s, departed, n.min(900), false);
    let n = ids.len();
    create_for(&mut s, "h-room", departed, &near.id, ids.clone());
    send_in_batches(&mut s, "h-room", &near.id, &ids, 40);
    let later = NOW + Options::default().takeover_delay_ms + 1;
    let c = s.handover(ME, "h-room", later).unwrap().counts;
    assert!(
        room < n,
        "the batches ask for more than the room ({room} of {n})"
    );
    assert_eq!(c.taken_over as usize, room.min(n - c.refused as usize));
    assert_eq!(
        (c.taken_over + c.refused + c.limit_exceeded) as usize,
        n,
        "every customer has a fate"
    );
    assert!(c.limit_exceeded > 0);
    let after = s
        .members(ME, &q)
        .unwrap()
        .items
        .into_iter()
        .find(|m| m.id == near.id)
        .unwrap();
    assert_eq!(
        after.customer_count, after.customer_limit,
        "the room is used up"
    );
}

/// A backend that persists changes gets the new batches and events and only the items they
/// answered, with the totals to know what is new next time.
#[test]
fn a_handover_part_holds_what_is_new() {
    let mut s = store();
    let ids = pick(&s, "d005", 300, false);
    let h = create(&mut s, "h-part", "d005", ids.clone());
    let to = successor(&s, "d005");
    let whole = s
        .state()
        .handover_part(&h.id, 0, 0, PartItems::All)
        .unwrap();
    assert_eq!(whole.record["items"].as_array().map(Vec::len), Some(300));
    assert_eq!(whole.batches, 0);
    send_in_batches(&mut s, &h.id, &to, &ids, 100);
    let part = s
        .state()
        .handover_part(&h.id, 2, whole.events, PartItems::Answered)
        .unwrap();
    assert_eq!(part.batches, 3);
    assert!(part.events > whole.events);
    let batches = part.record["batches"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(batches.len(), 1, "only the third batch");
    assert_eq!(batches[0]["request"]["seq"], 3);
    let items: Vec<&str> = part.record["items"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|i| i["id"].as_str())
        .collect();
    assert_eq!(
        items,
        ids[200..].iter().map(String::as_str).collect::<Vec<_>>()
    );
    let events = part.record["events"].as_array().map_or(0, Vec::len);
    assert_eq!(events, part.events - whole.events);
    let some = s
        .state()
        .handover_part(
            &h.id,
            usize::MAX,
            usize::MAX,
            PartItems::Customers(&ids[5..7]),
        )
        .unwrap();
    assert_eq!(some.record["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(some.record["batches"].as_array().map(Vec::len), Some(0));
}

/// The demo's biggest member (d005), every transferable customer that needs no approval handed
/// over in batches of 100, and a small handover of d004 left waiting for approval.
fn after_a_big_run() -> Store {
    let mut s = store();
    let departed = "d005";
    let mut ids = Vec::new();
    let mut cursor = None;
    loop {
        let q = PageQuery {
            cursor: cursor.clone(),
            limit: Some(1000),
        };
        let page = s.customers(ME, departed, &q, NOW).unwrap();
        let usable = page
            .items
            .into_iter()
            .filter(|c| c.transferable && !c.important);
        ids.extend(usable.map(|c| c.id));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert!(ids.len() > 15_000, "{}", ids.len());
    let to = successor(&s, departed);
    create_for(&mut s, "h-big", departed, &to, ids.clone());
    let approver = ADMINS.iter().find(|a| a.id != ME && a.may_approve).unwrap();
    s.approve(approver.id, "h-big", NOW).unwrap();
    send_in_batches(&mut s, "h-big", &to, &ids, 100);
    let few = pick(&s, "d004", 3, true);
    create(&mut s, "h-small", "d004", few);
    s
}

fn read_saved(json: &str) -> Option<State> {
    serde_json::from_str(json).ok()
}

/// The state as `State` serializes (what backends persist): equal states, equal values.
fn as_stored(state: &State) -> serde_json::Value {
    serde_json::to_value(state).unwrap()
}

#[test]
fn a_demo_after_its_biggest_run_fits_in_local_storage_and_reads_back_the_same() {
    let s = after_a_big_run();
    let whole = serde_json::to_string(s.state()).unwrap();
    let saved = s.state().to_saved_json().unwrap();
    // Browsers give an origin about 5 MB of local storage; the state as it is takes all of it.
    assert!(whole.len() > 4_500_000, "{}", whole.len());
    assert!(
        saved.len() < whole.len() / 5,
        "{} bytes saved for {} bytes of state",
        saved.len(),
        whole.len()
    );
    let back = read_saved(&saved).unwrap();
    assert_eq!(as_stored(&back), as_stored(s.state()));
    // The restored store answers as the saved one did.
    let again = Store::with_state(Options::default(), back);
    let later = NOW + Options::default().takeover_delay_ms + 1;
    for id in ["h-big", "h-small"] {
        assert_eq!(
            again.handover(ME, id, later).unwrap(),
            s.handover(ME, id, later).unwrap()
        );
    }
}

#[test]
fn demos_saved_as_the_state_still_load_and_a_damaged_save_starts_afresh() {
    let s = after_a_big_run();
    let old = serde_json::to_string(s.state()).unwrap();
    let back = read_saved(&old).unwrap();
    assert_eq!(as_stored(&back), as_stored(s.state()));

    let saved: serde_json::Value =
        serde_json::from_str(&s.state().to_saved_json().unwrap()).unwrap();
    let mut short = saved.clone();
    short["handovers"][0]["runs"][0] = serde_json::json!(1);
    let mut long = saved.clone();
    long["handovers"][0]["runs"][0] = serde_json::json!(u32::MAX);
    let mut no_answer = saved.clone();
    let batch = short["handovers"][0]["batches"][0].clone();
    assert!(
        batch.get("answers").is_some() && batch.get("result").is_none(),
        "{batch}"
    );
    no_answer["handovers"][0]["batches"][0]
        .as_object_mut()
        .unwrap()
        .remove("answers");
    for damaged in [short, long, no_answer] {
        assert!(read_saved(&damaged.to_string()).is_none(), "{damaged}");
    }
}

#[test]
fn items_and_answers_of_another_shape_are_saved_whole() {
    let mut s = after_a_big_run();
    let h = &mut s.state.handovers[0];
    h.items.swap(0, 1);
    h.batches[0].result.outcomes.swap(0, 1);
    let saved: serde_json::Value =
        serde_json::from_str(&s.state().to_saved_json().unwrap()).unwrap();
    let h = &saved["handovers"][0];
    assert!(h.get("items").is_some() && h.get("sent").is_none());
    assert!(h["batches"][0].get("result").is_some());
    assert!(h["batches"][1].get("answers").is_some());
    let back = read_saved(&saved.to_string()).unwrap();
    assert_eq!(as_stored(&back), as_stored(s.state()));
}
