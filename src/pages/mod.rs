pub mod contacts;
pub mod import;
pub mod new_passphrase;
pub mod recovery;
pub mod settings;
pub mod unlock;
pub mod welcome;
