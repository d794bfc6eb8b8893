//! A published table + the spec's presentation keys -> the table as shown: computed columns,
//! formats, headers, row order and the columns chosen.
//!
//! Part of the `query` stage; runs after disclosure control, so computed columns see only
//! published cells (`Published::derive` carries hidden and missing inputs over). Names resolve
//! against the published columns, with "did you mean" at the place they are written.

use serde_saphyr::Spanned;

use super::Here;
use super::expr::{self, Expr};
use super::spec::QuerySpec;
use crate::diagnostics::Diagnostic;
use crate::disclosure::{Format, Head, Published, Role, Unit};
use crate::markdown::directives::closest;

pub fn finish(
    t: &mut Published,
    spec: &QuerySpec,
    here: &Here,
    total_label: &str,
) -> Result<(), Vec<Diagnostic>> {
    let mut problems = Vec::new();
    for (name, text) in spec.compute.iter() {
        if let Err(d) = compute(t, name, text, here) {
            problems.push(d);
        }
    }
    for (name, f) in spec.format.iter() {
        match find(t, name, here) {
            Ok(c) => match t.heads()[c].format {
                Format::Number { decimals, unit } => t.set_format(
                    c,
                    Format::Number {
                        decimals: f.decimals.unwrap_or(decimals),
                        unit: f.unit.unwrap_or(unit),
                    },
                ),
                _ => problems.push(here.error(
                    here.at(name),
                    format!("column `{}` is not a number column", name.value),
                    "formats apply to numbers; remove this entry",
                )),
            },
            Err(d) => problems.push(d),
        }
    }
    for (name, label) in spec.rename.iter() {
        match find(t, name, here) {
            Ok(c) => t.set_label(c, label),
            Err(d) => problems.push(d),
        }
    }
    let mut keys = Vec::new();
    for s in &spec.sort {
        let (desc, bare) = match s.value.strip_prefix('-') {
            Some(rest) => (true, rest.trim()),
            None => (false, s.value.trim()),
        };
        let name = Spanned {
            value: bare.to_string(),
            referenced: s.referenced,
            defined: s.defined,
        };
        match find(t, &name, here) {
            Ok(c) => keys.push((c, desc)),
            Err(d) => problems.push(d),
        }
    }
    let mut chosen = Vec::new();
    for s in &spec.select {
        match find(t, s, here) {
            Ok(c) if chosen.contains(&c) => problems.push(here.error(
                here.at(s),
                format!("column `{}` is selected twice", s.value),
                "list each column once",
            )),
            Ok(c) => chosen.push(c),
            Err(d) => problems.push(d),
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    t.sort(&keys);
    if !chosen.is_empty() {
        t.select(&chosen);
        t.label_totals(total_label);
    }
    Ok(())
}

/// The published column `name`, or "there is no column" with the nearest name.
fn find(t: &Published, name: &Spanned<String>, here: &Here) -> Result<usize, Diagnostic> {
    t.column(&name.value).ok_or_else(|| {
        let names = t.heads().iter().map(|h| h.name.as_str());
        unknown(here, here.at(name), &name.value, names)
    })
}

fn unknown<'n>(
    here: &Here,
    pos: crate::diagnostics::Pos,
    name: &str,
    names: impl Iterator<Item = &'n str> + Clone,
) -> Diagnostic {
    let list: Vec<String> = names.clone().map(|n| format!("`{n}`")).collect();
    let help = match closest(name, names) {
        Some(s) => format!(
            "did you mean `{s}`? The table's columns are {}",
            list.join(", ")
        ),
        None => format!("the table's columns are {}", list.join(", ")),
    };
    here.error(
        pos,
        format!("there is no column `{name}` in the table"),
        help,
    )
}

/// Adds the computed column `name` = `text`.
fn compute(
    t: &mut Published,
    name: &Spanned<String>,
    text: &Spanned<String>,
    here: &Here,
) -> Result<(), Diagnostic> {
    if t.column(&name.value).is_some() {
        return Err(here.error(
            here.at(name),
            format!("the table already has a column `{}`", name.value),
            "give the computed column another name",
        ));
    }
    let e: Expr = expr::parse(&text.value)
        .map_err(|e| here.error(here.inside(text, e.offset), e.message, e.help))?;
    let mut inputs: Vec<usize> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (col, offset) in e.columns() {
        let Some(c) = t.column(col) else {
            let names = t.heads().iter().map(|h| h.name.as_str());
            return Err(unknown(here, here.inside(text, offset), col, names));
        };
        if t.heads()[c].format == Format::Text {
            return Err(here.error(
                here.inside(text, offset),
                format!("column `{col}` is text, not a number"),
                "computed columns use number columns",
            ));
        }
        if !names.iter().any(|n| n == col) {
            names.push(col.to_string());
            inputs.push(c);
        }
    }
    let whole = |n: &str| {
        t.column(n).is_some_and(|c| {
            matches!(
                t.heads()[c].format,
                Format::Year | Format::Number { decimals: 0, .. }
            )
        })
    };
    let decimals = if e.is_whole(&whole) { 0 } else { 1 };
    let head = Head {
        name: name.value.clone(),
        label: name.value.clone(),
        unit: None,
        role: Role::Derived,
        format: Format::Number {
            decimals,
            unit: Unit::None,
        },
    };
    t.derive(head, &inputs, |values| {
        e.eval(&|n| {
            names
                .iter()
                .position(|m| m == n)
                .map_or(f64::NAN, |i| values[i])
        })
    });
    Ok(())
}
