//! The demo's deterministic dataset: departments, active members, departed members with their
//! customers and groups. Regenerated from the seed on every load; only what admins change is
//! stored.

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
    format!("{}{}", rng.pick(SURNAMES), rng.pick(GIVEN))
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
    let mut rng = Rng::new(super::rng::hash(&d.id) ^ 0xC0FFEE);
    (0..d.customers)
        .map(|i| {
            let wecom = rng.chance(180);
            let tag_count = rng.below(3) as usize;
            let mut tags: Vec<String> =
                (0..tag_count).map(|_| rng.pick(TAGS).to_string()).collect();
            let important = rng.chance(40);
            if important {
                tags.push(IMPORTANT_TAG.to_string());
            }
            tags.sort();
            tags.dedup();
            let added = d.departed_days_ago + 1 + rng.below(900) as i64;
            SeedCustomer {
                id: format!("wm{}{:06}", d.id, i + 1),
                name: person_name(&mut rng),
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
                    d.departed_days_ago
                        + rng.below((added - d.departed_days_ago).max(1) as u64) as i64
                }),
                locked: rng.chance(d.locked_per_mille),
            }
        })
        .collect()
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
