//! English. Terms follow the glossary in shared/domain.md.

use super::Messages;

pub const MESSAGES: Messages = Messages {
    app_title: "Departed-member handover",
    demo_banner: "Demo mode: the data is simulated and nothing here touches a real WeCom.",
    language: "Language",
    steps_nav: "Handover steps",
    back: "Back",
    next: "Next",
    step_member: "Departed member",
    step_customers: "Customers and groups",
    step_successor: "Successor",
    step_chat_history: "Chat history",
    step_confirm: "Confirm handover",
    intro_member: "Pick a departed member who has pending customers or customer groups.",
    intro_customers: "Pick the customers and customer groups to hand over; everything transferable starts selected.",
    intro_successor: "Pick the successor and check how many more customers they can take.",
    intro_chat_history: "Choose how much chat history the successor inherits.",
    intro_confirm: "Check the handover, verify your identity, then confirm.",
    step_position: |n, total| format!("Step {n} of {total}"),
};
