pub mod busy;
pub mod contact_form;
pub mod contact_list;
pub mod passphrase_choice;
pub mod passphrase_field;
pub mod strength_meter;
pub mod sync_panel;
pub mod topbar;
