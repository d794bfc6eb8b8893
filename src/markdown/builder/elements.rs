//! Directives -> numbered elements: the part of the `Builder` that reads a fenced directive,
//! checks its spec and content, and gives it a number and an anchor.

use std::path::Path;

use pulldown_cmark::{Event, Tag, TagEnd};

use super::{Builder, FileNotes, Src};
use crate::diagnostics::{Diagnostic, Pos};
use crate::markdown::directives::{self, Body, CommonSpec, Fence, Spec};
use crate::markdown::slug::is_valid_label;
use crate::model::{Element, ElementKind, Generated, Node};
use crate::yaml;

impl Builder {
    pub(super) fn directive(
        &mut self,
        src: Src,
        fence: Fence,
        body: &str,
        body_start: usize,
        pos: Pos,
        notes: &mut FileNotes,
    ) -> Option<Node> {
        let (name, kind, body_kind) = match fence {
            Fence::Directive { name, kind, body } => (name, kind, body),
            Fence::Unknown { name, suggestion } => {
                let help = match suggestion {
                    Some(s) => format!(
                        "did you mean `{s}`? Directives: {}",
                        directives::kind_names()
                    ),
                    None => format!(
                        "this version knows the directives {}; write ```text for a plain code block",
                        directives::kind_names()
                    ),
                };
                self.diags.push(
                    Diagnostic::error(src.path, pos, format!("unknown directive `{name}`"))
                        .help(help),
                );
                return None;
            }
            Fence::Code => return None,
        };
        let (yaml_text, md_at) = directives::split_body(body);
        let body_kind = if directives::data_form(name, yaml_text, md_at.is_some()) {
            Body::Data
        } else {
            body_kind
        };
        let origin = src.lines.pos(src.text, src.base + body_start);
        let parsed = match body_kind {
            Body::Markdown => yaml::parse::<Spec>(yaml_text, src.path, origin),
            Body::Data => self.data_spec(src, name, yaml_text, origin, pos, md_at.is_some()),
        };
        let spec = match parsed {
            Ok(spec) => spec,
            Err(d) => {
                self.diags.push(d);
                // Keep the label known, so references to it do not add a second error.
                if let Some(label) = label_line(yaml_text) {
                    self.define_label(&label, kind, "?", "", src.path, pos);
                }
                return None;
            }
        };
        let content = match md_at {
            Some(at) if body_kind == Body::Markdown => {
                let inner = Src {
                    path: src.path,
                    text: src.text,
                    lines: src.lines,
                    base: src.base + body_start + at,
                };
                self.markdown(inner, &body[at..], false, notes)
            }
            _ => Vec::new(),
        };
        let generated = (body_kind == Body::Data).then(|| {
            Box::new(Generated {
                directive: name.to_string(),
                yaml: yaml_text.to_string(),
                file: src.path.to_path_buf(),
                origin,
                pos,
                view: None,
                download: None,
                sources: Vec::new(),
            })
        });
        if generated.is_none() {
            self.check_content(kind, &content, src.path, pos);
        }
        let number = self.next_number(kind);
        let anchor = self.element_anchor(&spec, kind, &number, src.path, pos);
        Some(Node::Element(Box::new(Element {
            kind,
            number,
            anchor,
            title: spec.title,
            source: spec.source,
            note: spec.note,
            content,
            generated,
        })))
    }

    /// The element's label, checked and defined, or a fresh anchor from its kind and number.
    fn element_anchor(
        &mut self,
        spec: &Spec,
        kind: ElementKind,
        number: &str,
        path: &Path,
        pos: Pos,
    ) -> String {
        match &spec.label {
            Some(label) => {
                if !is_valid_label(label) {
                    self.diags.push(
                        Diagnostic::error(path, pos, format!("label `{label}` is not valid")).help(
                            "use lowercase letters a-z, digits, `-` and `_`, e.g. `tab-budget`",
                        ),
                    );
                }
                self.define_label(label, kind, number, &spec.title, path, pos);
                label.clone()
            }
            None => self.fresh_id(&format!("{}-{}", kind_slug(kind), number.replace('.', "-"))),
        }
    }

    /// The shared keys of a directive generated from data; the rest of its YAML is read by
    /// the `grids` stage. Its title may come from the data, so it is optional here.
    fn data_spec(
        &mut self,
        src: Src,
        name: &str,
        yaml_text: &str,
        origin: Pos,
        pos: Pos,
        has_markdown: bool,
    ) -> Result<Spec, Diagnostic> {
        if has_markdown {
            self.diags.push(
                Diagnostic::error(src.path, pos, format!("a {name} directive has no Markdown part"))
                    .help("its content comes from the data it names; remove the `---` line and what follows, and write text before or after the directive"),
            );
        }
        let common: CommonSpec = yaml::parse(yaml_text, src.path, origin)?;
        Ok(Spec {
            label: common.label,
            title: common.title.unwrap_or_default(),
            source: common.source,
            note: common.note,
        })
    }

    fn check_content(&mut self, kind: ElementKind, content: &[Node], path: &Path, pos: Pos) {
        let count = |pred: &dyn Fn(&Event) -> bool| {
            content
                .iter()
                .filter(|n| n.event().is_some_and(|e| pred(&e)))
                .count()
        };
        let problem = match kind {
            ElementKind::Table => {
                let tables = count(&|e| matches!(e, Event::Start(Tag::Table(_))));
                (tables != 1).then(|| (format!("a table directive holds one Markdown table, found {tables}"),
                    "after the `---` line, write one table: `| Header | Header |` / `|---|--:|` / rows"))
            }
            ElementKind::Figure => {
                let images = count(&|e| matches!(e, Event::Start(Tag::Image { .. })));
                if images != 1 {
                    Some((
                        format!("a figure directive holds one image, found {images}"),
                        "after the `---` line, write `![description of the image](file.png)`",
                    ))
                } else if image_alt_is_empty(content) {
                    Some((
                        "the figure's image has no alt text".to_string(),
                        "describe what the image shows: `![what it shows](file.png)`",
                    ))
                } else {
                    None
                }
            }
            ElementKind::Box | ElementKind::Section => None,
        };
        if let Some((message, help)) = problem {
            self.diags
                .push(Diagnostic::error(path, pos, message).help(help));
        }
    }
}

/// The value of a `label:` line in a directive body that failed to parse.
fn label_line(yaml: &str) -> Option<String> {
    yaml.lines()
        .find_map(|l| l.strip_prefix("label:"))
        .map(|v| v.trim().trim_matches(['"', '\'']).to_string())
        .filter(|v| is_valid_label(v))
}

fn image_alt_is_empty(content: &[Node]) -> bool {
    let mut in_image = false;
    let mut alt = String::new();
    for node in content {
        match node.event() {
            Some(Event::Start(Tag::Image { .. })) => in_image = true,
            Some(Event::End(TagEnd::Image)) => in_image = false,
            Some(Event::Text(t)) if in_image => alt.push_str(&t),
            _ => {}
        }
    }
    alt.trim().is_empty()
}

fn kind_slug(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Figure => "figur",
        ElementKind::Table => "tabel",
        ElementKind::Box => "boks",
        ElementKind::Section => "afsnit",
    }
}
