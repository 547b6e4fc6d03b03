//! Undoing a whole import.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::contact::Contact;

/// Enough to undo one import: the ids it created and the versions of the
/// contacts it updated as they were just before. Serialisable, so the app
/// can keep it (encrypted, like any record) until the user is sure.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImportUndo {
    /// Chosen by the app, to name this import in its history.
    pub import_id: Uuid,
    /// Unix milliseconds when the import was applied.
    pub applied_ms: i64,
    pub created: Vec<Uuid>,
    pub previous: Vec<Contact>,
}

/// What undoing an import does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UndoActions {
    /// Contacts the import created: delete them.
    pub delete: Vec<Uuid>,
    /// Contacts the import updated, as they were before, stamped `now_ms`
    /// so sync sees the restore as the newest edit: save them.
    pub restore: Vec<Contact>,
    /// Contacts edited after the import (updated later than it was
    /// applied). Left out of `delete` and `restore` unless
    /// `include_edited`, so undo never silently discards later work.
    pub edited_since: Vec<Uuid>,
    /// Contacts the import touched that no longer exist: nothing to do.
    pub gone: Vec<Uuid>,
}

impl ImportUndo {
    /// Computes what to delete and restore, given the current version of
    /// each contact (`current`).
    pub fn actions(
        &self,
        current: impl Fn(Uuid) -> Option<Contact>,
        include_edited: bool,
        now_ms: i64,
    ) -> UndoActions {
        let mut out = UndoActions::default();
        let edited = |c: &Contact| c.updated_ms > self.applied_ms;
        for &id in &self.created {
            match current(id) {
                None => out.gone.push(id),
                Some(c) if edited(&c) => {
                    out.edited_since.push(id);
                    if include_edited {
                        out.delete.push(id);
                    }
                }
                Some(_) => out.delete.push(id),
            }
        }
        for old in &self.previous {
            let restore = || Contact {
                updated_ms: now_ms,
                ..old.clone()
            };
            match current(old.id) {
                None => out.gone.push(old.id),
                Some(c) if edited(&c) => {
                    out.edited_since.push(old.id);
                    if include_edited {
                        out.restore.push(restore());
                    }
                }
                Some(_) => out.restore.push(restore()),
            }
        }
        out
    }
}
