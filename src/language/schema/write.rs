//! Writing a schema's column for one record: its value, whether it is
//! null, and the slot later columns derive from. Apart from parsing
//! (`schema.rs`) because it is the records loop's hot path: the compiled
//! form ([`Column::write_fast`]) and the template form ([`Column::write`])
//! must write the same bytes, and live side by side to be read together.

use super::Column;
use crate::language::fields::Fast;
use crate::language::out::Out;
use crate::language::seeded::mix;
use crate::language::sequence::{Ctx, RecordRng};
use crate::language::template::Template;

impl Column {
    /// Writes this column's value for the record in `ctx`, unescaped, keeps
    /// it in the column's slot for later columns, and says whether the
    /// cell is null, in which case the caller replaces what was written
    /// with its format's null (`Format::null`). A null value is drawn and
    /// written all the same, so that nulls in one column leave every other
    /// column's values as they were without them.
    #[inline]
    pub fn write(&self, ctx: &mut Ctx, out: &mut Out) -> Option<Cell> {
        if self.plain {
            self.template.write(ctx, out)?;
            return Some(Cell::Value);
        }
        self.write_linked(ctx, out)
    }

    /// [`Column::write`] for a column with nulls or a slot, kept out of
    /// line: inlined, its checks cost every plain column of a record a
    /// dozen instructions in register spills (callgrind, lineitem).
    #[inline(never)]
    fn write_linked(&self, ctx: &mut Ctx, out: &mut Out) -> Option<Cell> {
        // A function of (seed, record, column) that draws nothing from
        // the record's stream.
        let null = ctx.slots.nulls & self.derives_from != 0
            || self
                .null_rate
                .is_some_and(|rate| (mix(ctx.key ^ self.null_key) >> 32) < rate.threshold);
        self.template.write(ctx, out)?;
        if let Some(slot) = self.slot {
            ctx.slots.values[slot as usize] = ctx.value;
            if null {
                ctx.slots.nulls |= 1 << slot;
            }
        }
        Some(if null { Cell::Null } else { Cell::Value })
    }
}

impl Column {
    /// [`Column::write`] for the records loop: the same bytes and cell,
    /// through the column's compiled field ([`Fast`]), drawing from `rng`,
    /// which stands for `ctx.rng` for the whole record (the caller keeps
    /// it in a register; it is handed to `ctx` around a template).
    #[inline(always)]
    pub fn write_fast(&self, rng: &mut RecordRng, ctx: &mut Ctx, out: &mut Out) -> Option<Cell> {
        let value = match self.fast {
            Fast::Template => {
                ctx.rng = rng.clone();
                let mut rest = out.rest();
                write_template(&self.template, ctx, &mut rest)?;
                let written = rest.len;
                out.advance(written);
                *rng = ctx.rng.clone();
                ctx.value
            }
            _ => self.fast.write(rng, ctx, out)?,
        };
        if self.plain {
            return Some(Cell::Value);
        }
        Some(self.link(value, ctx))
    }

    /// A column's null and slot, after its value: the null does not depend
    /// on what was written, so deciding it after is as deciding it before
    /// ([`Column::write_linked`]).
    #[inline(never)]
    fn link(&self, value: i64, ctx: &mut Ctx) -> Cell {
        let null = ctx.slots.nulls & self.derives_from != 0
            || self
                .null_rate
                .is_some_and(|rate| (mix(ctx.key ^ self.null_key) >> 32) < rate.threshold);
        if let Some(slot) = self.slot {
            ctx.slots.values[slot as usize] = value;
            if null {
                ctx.slots.nulls |= 1 << slot;
            }
        }
        if null { Cell::Null } else { Cell::Value }
    }

    /// Whether some column's field writes the record's person.
    pub fn uses_person(&self) -> bool {
        self.template.uses_person()
    }
}

/// [`Template::write`] kept out of the records loop.
#[inline(never)]
fn write_template(template: &Template, ctx: &mut Ctx, out: &mut Out) -> Option<()> {
    template.write(ctx, out)
}

/// What [`Column::write`] wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cell {
    Value,
    /// The record's value for this column is null; the text written is
    /// to be dropped.
    Null,
}
