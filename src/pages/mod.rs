pub mod contacts;
pub mod new_passphrase;
pub mod recovery;
pub mod settings;
pub mod unlock;
pub mod welcome;
