//! Deciding, row by row, whether an imported contact creates a new record,
//! updates an existing one, or is skipped; then applying the plan with an
//! undo record.

use std::collections::HashMap;

use uuid::Uuid;

use super::convert::RowError;
use super::reader::ConvertedRow;
use super::undo::ImportUndo;
use crate::contact::Contact;
use crate::duplicates::{ContactMatcher, MatchOn, MatchReason, merge_imported};

/// What an import may do to the address book.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum ImportMode {
    /// New contacts only; rows matching an existing contact are skipped.
    CreateOnly,
    /// Existing contacts only; rows matching none are skipped.
    UpdateOnly,
    /// Update matches, create the rest.
    #[default]
    CreateOrUpdate,
}

/// Why a valid row was not imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SkipReason {
    /// Create-only mode, and the row matches this existing contact.
    Exists { id: Uuid, reason: MatchReason },
    /// Update-only mode, and the row matches no existing contact.
    NoMatch,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SkippedRow {
    pub row: u64,
    pub reason: SkipReason,
}

/// An update: the imported values for an existing contact (several rows
/// matching one contact are combined), and the rows they came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlannedUpdate {
    pub existing_id: Uuid,
    pub imported: Contact,
    pub rows: Vec<u64>,
    pub reason: MatchReason,
}

/// The outcome of planning: what to create, what to update, and what was
/// skipped or failed, row by row.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// New contacts with fresh ids, timestamped, ready to save.
    pub create: Vec<Contact>,
    pub update: Vec<PlannedUpdate>,
    pub skipped: Vec<SkippedRow>,
    /// Rows that could not be converted. Good rows import regardless.
    pub errors: Vec<RowError>,
    /// Rows that matched a contact created earlier in the same file and
    /// were merged into it.
    pub merged_rows: Vec<u64>,
    /// Data rows seen.
    pub rows: u64,
}

/// Builds an [`ImportPlan`] one row (or chunk) at a time.
pub struct ImportPlanner {
    mode: ImportMode,
    match_on: MatchOn,
    existing: ContactMatcher,
    /// Contacts created by this import, so a person listed twice becomes one.
    created: ContactMatcher,
    created_index: HashMap<Uuid, usize>,
    update_index: HashMap<Uuid, usize>,
    now_ms: i64,
    plan: ImportPlan,
}

impl ImportPlanner {
    /// `existing` is every contact already in the address book; only their
    /// match keys are kept. `now_ms` stamps created contacts.
    pub fn new<'a>(
        existing: impl IntoIterator<Item = &'a Contact>,
        mode: ImportMode,
        match_on: MatchOn,
        now_ms: i64,
    ) -> ImportPlanner {
        ImportPlanner {
            mode,
            match_on,
            existing: ContactMatcher::new(existing, match_on.phone_region),
            created: ContactMatcher::new([], match_on.phone_region),
            created_index: HashMap::new(),
            update_index: HashMap::new(),
            now_ms,
            plan: ImportPlan::default(),
        }
    }

    /// Plans one converted row. `new_id` is called only when the row
    /// creates a contact (this crate makes no ids of its own).
    pub fn add(&mut self, row: ConvertedRow, new_id: impl FnOnce() -> Uuid) {
        self.plan.rows += 1;
        let imported = match row.result {
            Ok(c) => c,
            Err(errors) => {
                self.plan.errors.extend(errors);
                return;
            }
        };
        if let Some((id, reason)) = self.existing.find(&imported, self.match_on) {
            if self.mode == ImportMode::CreateOnly {
                let reason = SkipReason::Exists { id, reason };
                self.plan.skipped.push(SkippedRow {
                    row: row.row,
                    reason,
                });
                return;
            }
            match self.update_index.get(&id) {
                Some(&i) => {
                    let u = &mut self.plan.update[i];
                    u.imported = merge_imported(&u.imported, &imported, self.now_ms);
                    u.rows.push(row.row);
                }
                None => {
                    self.update_index.insert(id, self.plan.update.len());
                    self.plan.update.push(PlannedUpdate {
                        existing_id: id,
                        imported,
                        rows: vec![row.row],
                        reason,
                    });
                }
            }
            return;
        }
        if self.mode == ImportMode::UpdateOnly {
            let reason = SkipReason::NoMatch;
            self.plan.skipped.push(SkippedRow {
                row: row.row,
                reason,
            });
            return;
        }
        if let Some((id, _)) = self.created.find(&imported, self.match_on) {
            let i = self.created_index[&id];
            let merged = merge_imported(&self.plan.create[i], &imported, self.now_ms);
            self.created.insert(&merged);
            self.plan.create[i] = merged;
            self.plan.merged_rows.push(row.row);
            return;
        }
        let contact = Contact {
            id: new_id(),
            created_ms: self.now_ms,
            updated_ms: self.now_ms,
            ..imported
        };
        self.created.insert(&contact);
        self.created_index
            .insert(contact.id, self.plan.create.len());
        self.plan.create.push(contact);
    }

    /// The plan so far, for progress counts.
    pub fn plan(&self) -> &ImportPlan {
        &self.plan
    }

    pub fn finish(self) -> ImportPlan {
        self.plan
    }
}

/// What to save after an import, and how to undo it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedImport {
    /// Created and updated contacts, to save.
    pub save: Vec<Contact>,
    pub undo: ImportUndo,
    /// Updates whose contact no longer exists (deleted while importing).
    pub missing: Vec<Uuid>,
}

impl ImportPlan {
    /// Turns the plan into records to save: creates as planned, updates
    /// merged into the current version of each existing contact (looked up
    /// with `existing`) by [`merge_imported`]. The undo record keeps those
    /// current versions.
    pub fn apply(
        &self,
        existing: impl Fn(Uuid) -> Option<Contact>,
        import_id: Uuid,
        now_ms: i64,
    ) -> AppliedImport {
        let mut save = self.create.clone();
        let mut previous = Vec::with_capacity(self.update.len());
        let mut missing = Vec::new();
        for u in &self.update {
            match existing(u.existing_id) {
                Some(old) => {
                    save.push(merge_imported(&old, &u.imported, now_ms));
                    previous.push(old);
                }
                None => missing.push(u.existing_id),
            }
        }
        AppliedImport {
            save,
            undo: ImportUndo {
                import_id,
                applied_ms: now_ms,
                created: self.create.iter().map(|c| c.id).collect(),
                previous,
            },
            missing,
        }
    }
}
