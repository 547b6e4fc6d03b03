//! Messages for activities, timelines, tasks, tickets, the dashboard and search across record types.

use super::messages;

messages! { pub enum WorkMsg {
    NavDashboard => ("Dashboard", "仪表板"),
    NavActivities => ("Activities", "活动"),
    NavTasks => ("Tasks", "任务"),
    NavTickets => ("Tickets", "工单"),
} }
