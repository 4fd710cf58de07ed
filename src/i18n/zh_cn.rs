//! 简体中文 (default). Terms follow the glossary in shared/domain.md.

use super::Messages;

pub const MESSAGES: Messages = Messages {
    app_title: "离职继承",
    demo_banner: "演示模式：使用模拟数据，所有操作都不会影响真实的企业微信。",
    language: "语言",
    steps_nav: "交接步骤",
    back: "上一步",
    next: "下一步",
    step_member: "离职成员",
    step_customers: "客户和客户群",
    step_successor: "接替成员",
    step_chat_history: "聊天记录",
    step_confirm: "确认交接",
    intro_member: "选择一位有待分配客户或客户群的离职成员。",
    intro_customers: "选择要交接的客户和客户群，默认选中全部可交接项。",
    intro_successor: "选择接替成员，并查看其剩余客户容量。",
    intro_chat_history: "选择接替成员可继承的聊天记录范围。",
    intro_confirm: "核对交接内容，完成身份验证后确认交接。",
    step_position: |n, total| format!("第 {n} 步，共 {total} 步"),
};
