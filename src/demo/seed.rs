//! The demo's deterministic dataset: departments, active members, departed members with their
//! customers and groups. Regenerated from the seed on every load; only what admins change is
//! stored.

use std::fmt::Write;

use super::rng::Rng;
use crate::api::types::{AccountState, CustomerKind};
use crate::domain::time::DAY;

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭",
    "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯", "邓", "曹",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明",
    "超", "秀英", "霞", "平", "刚", "桂英", "晨", "宇", "欣怡", "子涵", "浩然", "思远", "雨桐",
    "嘉怡", "俊杰", "婷", "鹏", "晓东", "海燕", "建华", "文博", "佳琪",
];
const DEPARTMENTS: &[&str] = &[
    "华东销售一部",
    "华东销售二部",
    "华南销售部",
    "华北销售部",
    "西南销售部",
    "大客户部",
    "渠道合作部",
    "客户成功部",
    "售后服务部",
    "市场部",
    "电商运营部",
    "会员运营部",
];
const POSITIONS: &[&str] = &[
    "销售顾问",
    "高级销售顾问",
    "客户经理",
    "客服专员",
    "销售主管",
    "运营专员",
];
const CORPS: &[&str] = &[
    "上海申联贸易有限公司",
    "杭州云帆科技有限公司",
    "深圳启明电子有限公司",
    "北京华信咨询有限公司",
    "成都锦程物流有限公司",
    "苏州恒达精密制造有限公司",
];
pub const TAGS: &[&str] = &[
    "已成交",
    "意向强",
    "待跟进",
    "老客户",
    "渠道",
    "投诉过",
    "VIP",
];
const REMARKS: &[&str] = &[
    "",
    "",
    "",
    "老客户介绍",
    "展会认识",
    "官网咨询",
    "电话回访",
    "续约中",
    "需报价",
];
/// The tag every important customer carries.
pub const IMPORTANT_TAG: &str = "重点客户";
const GROUP_NAMES: &[&str] = &[
    "客户交流群",
    "VIP 服务群",
    "产品答疑群",
    "售后群",
    "新品体验群",
    "渠道伙伴群",
];

pub fn person_name(rng: &mut Rng) -> String {
    let (surname, given) = (rng.pick(SURNAMES), rng.pick(GIVEN));
    [*surname, *given].concat()
}

#[derive(Clone, Debug)]
pub struct SeedDepartment {
    pub id: String,
    pub name: String,
}

#[derive(Clone, Debug)]
pub struct SeedMember {
    pub id: String,
    pub name: String,
    pub department: usize,
    pub position: String,
    pub customer_count: u32,
    pub customer_limit: u32,
    pub contact_enabled: bool,
    pub verified: bool,
    pub last_active_days_ago: i64,
}

#[derive(Clone, Debug)]
pub struct SeedDeparted {
    pub id: String,
    pub name: String,
    pub department: usize,
    pub position: String,
    pub departed_days_ago: i64,
    pub account_state: AccountState,
    pub customers: u32,
    pub groups: u32,
    /// Customers whose id ends up "already in a transfer" outside this app (share per mille).
    pub locked_per_mille: u64,
}

#[derive(Clone, Debug)]
pub struct SeedCustomer {
    pub id: String,
    pub name: String,
    pub kind: CustomerKind,
    pub corp_name: Option<String>,
    pub remark: String,
    pub tags: Vec<String>,
    pub added_days_ago: i64,
    pub last_contact_days_ago: Option<i64>,
    pub important: bool,
    /// Already in a transfer started elsewhere (WeCom code 40100).
    pub locked: bool,
}

#[derive(Clone, Debug)]
pub struct SeedGroup {
    pub id: String,
    pub name: String,
    pub member_count: u32,
    pub created_days_ago: i64,
    pub inherited: bool,
}

pub struct Dataset {
    pub departments: Vec<SeedDepartment>,
    pub members: Vec<SeedMember>,
    pub departed: Vec<SeedDeparted>,
}

/// The departed members the demo shows, each covering a case an admin meets.
/// (name suffix for uniqueness is added by the generator)
const DEPARTED_PLAN: &[(i64, AccountState, u32, u32, u64)] = &[
    // days ago, account, customers, groups, locked ‰
    (3, AccountState::Disabled, 6, 1, 0),
    (12, AccountState::Disabled, 42, 3, 50),
    (20, AccountState::Active, 18, 2, 0), // access not yet revoked
    (33, AccountState::Disabled, 260, 12, 20),
    (45, AccountState::Deleted, 20_000, 40, 10), // the big one
    (60, AccountState::Disabled, 0, 8, 0),       // left with only groups
    (75, AccountState::Disabled, 1_250, 320, 15), // more groups than WeCom moves a day
    (90, AccountState::Deleted, 9, 0, 0),
    (120, AccountState::Disabled, 130, 4, 0),
    (150, AccountState::Disabled, 3, 0, 0),
    (200, AccountState::Deleted, 75, 6, 30),
    (280, AccountState::Disabled, 520, 9, 0),
    (330, AccountState::Disabled, 27, 2, 0),
    (400, AccountState::Deleted, 55, 3, 0), // left over a year ago
    (25, AccountState::Disabled, 0, 0, 0),  // nothing pending
    (105, AccountState::Disabled, 3_000, 30, 0), // a sales member: split across successors
];

pub fn generate(seed: u64) -> Dataset {
    let mut rng = Rng::new(seed);
    let departments = DEPARTMENTS
        .iter()
        .enumerate()
        .map(|(i, n)| SeedDepartment {
            id: format!("dept-{:02}", i + 1),
            name: (*n).to_string(),
        })
        .collect::<Vec<_>>();
    let members = (0..200)
        .map(|i| {
            let limit = 5_000;
            let count = match i % 23 {
                0 => limit - 5 - rng.below(20) as u32, // near the limit
                1 => limit,                            // at the limit
                _ => rng.below(1_800) as u32,
            };
            SeedMember {
                id: format!("m{:04}", i + 1),
                name: person_name(&mut rng),
                department: rng.below(departments.len() as u64) as usize,
                position: rng.pick(POSITIONS).to_string(),
                customer_count: count,
                customer_limit: limit,
                contact_enabled: i % 37 != 5,
                verified: i % 41 != 7,
                last_active_days_ago: if i % 53 == 11 {
                    420
                } else {
                    rng.below(30) as i64
                },
            }
        })
        .collect();
    let departed = DEPARTED_PLAN
        .iter()
        .enumerate()
        .map(
            |(i, &(days, account_state, customers, groups, locked))| SeedDeparted {
                id: format!("d{:03}", i + 1),
                name: person_name(&mut rng),
                department: rng.below(departments.len() as u64) as usize,
                position: rng.pick(POSITIONS).to_string(),
                departed_days_ago: days,
                account_state,
                customers,
                groups,
                locked_per_mille: locked,
            },
        )
        .collect();
    Dataset {
        departments,
        members,
        departed,
    }
}

/// A departed member's customers, generated from the member's id so each list is stable.
pub fn customers_of(d: &SeedDeparted) -> Vec<SeedCustomer> {
    let mut rng = customers_rng(d);
    (0..d.customers).map(|i| customer(d, i, &mut rng)).collect()
}

fn customers_rng(d: &SeedDeparted) -> Rng {
    Rng::new(super::rng::hash(&d.id) ^ 0xC0FFEE)
}

/// Customer `i` of `d` (from 0), whose id needs no drawing.
pub fn customer_id(d: &SeedDeparted, i: u32) -> String {
    // Sized exactly, as the other strings the demo makes per customer (`to_rfc3339`).
    let mut id = String::with_capacity(2 + d.id.len() + 6);
    let _ = write!(id, "wm{}{:06}", d.id, i + 1);
    id
}

/// The customer `customer_id` named, if it is one of `d`'s.
pub fn customer_position(d: &SeedDeparted, id: &str) -> Option<u32> {
    let n: u32 = id
        .strip_prefix("wm")?
        .strip_prefix(d.id.as_str())?
        .parse()
        .ok()?;
    let i = n.checked_sub(1).filter(|&i| i < d.customers)?;
    // "wmd001000001" only, not "wmd0011" or "wmd001+0000001".
    (customer_id(d, i) == id).then_some(i)
}

/// Customer `i` of `d`, drawn from `rng` where the previous customer left it.
fn customer(d: &SeedDeparted, i: u32, rng: &mut Rng) -> SeedCustomer {
    let wecom = rng.chance(180);
    let tag_count = rng.below(3) as usize;
    let mut tags: Vec<String> = (0..tag_count).map(|_| rng.pick(TAGS).to_string()).collect();
    let important = rng.chance(40);
    if important {
        tags.push(IMPORTANT_TAG.to_string());
    }
    tags.sort();
    tags.dedup();
    tags.shrink_to_fit();
    let added = d.departed_days_ago + 1 + rng.below(900) as i64;
    SeedCustomer {
        id: customer_id(d, i),
        name: person_name(rng),
        kind: if wecom {
            CustomerKind::Wecom
        } else {
            CustomerKind::Wechat
        },
        corp_name: wecom.then(|| rng.pick(CORPS).to_string()),
        remark: rng.pick(REMARKS).to_string(),
        important,
        tags,
        added_days_ago: added,
        last_contact_days_ago: (!rng.chance(100)).then(|| {
            d.departed_days_ago + rng.below((added - d.departed_days_ago).max(1) as u64) as i64
        }),
        locked: rng.chance(d.locked_per_mille),
    }
}

/// Draws what `customer` draws, making nothing: finding where each customer starts costs no
/// allocation. (The seeded-customers test fails if the two ever draw differently.)
fn skip_customer(d: &SeedDeparted, rng: &mut Rng) {
    let wecom = rng.chance(180);
    for _ in 0..rng.below(3) {
        rng.next_u64(); // a tag
    }
    rng.chance(40); // important
    let added = d.departed_days_ago + 1 + rng.below(900) as i64;
    rng.next_u64(); // surname
    rng.next_u64(); // given name
    if wecom {
        rng.next_u64(); // company
    }
    rng.next_u64(); // remark
    if !rng.chance(100) {
        rng.below((added - d.departed_days_ago).max(1) as u64); // last contact
    }
    rng.chance(d.locked_per_mille);
}

/// A departed member's generated customers, kept as where the generator stood at each one
/// (8 bytes) instead of the customers themselves (about 170 bytes each with their strings on
/// wasm32): the demo's 20,000-customer member costs the page 160 KB, not 3.4 MB, and each
/// customer is made again, the same, when asked for.
pub struct SeededCustomers {
    starts: Vec<u64>,
}

impl SeededCustomers {
    pub fn of(d: &SeedDeparted) -> SeededCustomers {
        let mut rng = customers_rng(d);
        let starts = (0..d.customers)
            .map(|_| {
                let at = rng.state();
                skip_customer(d, &mut rng);
                at
            })
            .collect();
        SeededCustomers { starts }
    }

    pub fn len(&self) -> usize {
        self.starts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.starts.is_empty()
    }

    /// Customer `i` of `d` (`of(d)` made this list); `None` past the end.
    pub fn get(&self, d: &SeedDeparted, i: usize) -> Option<SeedCustomer> {
        let at = *self.starts.get(i)?;
        Some(customer(d, i as u32, &mut Rng::new(at)))
    }
}

pub fn groups_of(d: &SeedDeparted) -> Vec<SeedGroup> {
    let mut rng = Rng::new(super::rng::hash(&d.id) ^ 0x6A0F);
    (0..d.groups)
        .map(|i| SeedGroup {
            id: format!("wr{}{:04}", d.id, i + 1),
            name: format!("{}{}", d.name, rng.pick(GROUP_NAMES)),
            member_count: 3 + rng.below(480) as u32,
            created_days_ago: d.departed_days_ago + 10 + rng.below(700) as i64,
            inherited: i % 17 == 16,
        })
        .collect()
}

/// Days to milliseconds, for the `*_days_ago` fields.
pub fn days(n: i64) -> i64 {
    n * DAY
}

#[cfg(test)]
mod tests {
    use super::*;

    fn same(a: &SeedCustomer, b: &SeedCustomer) -> bool {
        format!("{a:?}") == format!("{b:?}")
    }

    #[test]
    fn seeded_customers_are_made_again_exactly_as_generated() {
        let data = generate(20_261_125);
        for d in &data.departed {
            let all = customers_of(d);
            let seeded = SeededCustomers::of(d);
            assert_eq!(seeded.len(), all.len(), "{}", d.id);
            // Out of order too: each customer is made from its own starting point.
            for k in (0..all.len())
                .rev()
                .step_by(7)
                .chain((0..all.len()).take(1))
            {
                let made = seeded.get(d, k).expect("in range");
                assert!(
                    same(&made, &all[k]),
                    "{} #{k}: {made:?} != {:?}",
                    d.id,
                    all[k]
                );
            }
            assert!(seeded.get(d, all.len()).is_none());
        }
    }

    #[test]
    fn customer_ids_lead_back_to_their_position_and_nothing_else_does() {
        let data = generate(20_261_125);
        let d = &data.departed[1];
        for k in 0..d.customers {
            assert_eq!(customer_position(d, &customer_id(d, k)), Some(k));
        }
        for id in [
            "",
            "wm",
            "wmd002",
            "wmd002000000",
            "wmd002000043",
            "wmd0020000001",
            "wmd002+00001",
            "wmd001000001",
            "xmd002000001",
        ] {
            assert_eq!(customer_position(d, id), None, "{id}");
        }
    }
}
