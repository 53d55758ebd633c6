//! The book's chapter list and the loading of `chapters/*.md` into rendered chapters. Shared by
//! the page renderer (`multiace-site`) and the app's `build.rs` (which includes this file and
//! `markdown.rs` by path and keeps only the titles and slugs), so both read one list.
//!
//! Broken math or a malformed exercise in our own chapters is a failure naming the chapter and
//! the offending source; a missing chapter file becomes a clear placeholder instead.

use crate::markdown;
use std::path::Path;

/// The book's chapters in reading order: (file stem, number, fallback title).
pub const CHAPTERS: [(&str, &str, &str); 6] = [
    (
        "00_fundamentals",
        "00",
        "Fundamentals: rotations, spherical harmonics, coupling",
    ),
    (
        "01_atomic_cluster_expansion",
        "01",
        "The Atomic Cluster Expansion",
    ),
    (
        "02_equivariant_neural_networks",
        "02",
        "Equivariant neural networks",
    ),
    ("03_mace", "03", "MACE"),
    ("04_multi_ace_framework", "04", "The Multi-ACE framework"),
    (
        "05_conventions",
        "05",
        "Appendix: conventions for porting code",
    ),
];

/// One chapter as the site shows it.
pub struct LoadedChapter {
    /// URL slug, e.g. "00-fundamentals".
    pub slug: String,
    /// "00" … "05".
    pub number: &'static str,
    /// Source file name under chapters/.
    pub file: String,
    /// The Markdown file did not exist.
    pub missing: bool,
    /// Rendered blocks; the title has its number stripped.
    pub chapter: markdown::Chapter,
}

/// Reads and renders every chapter of [`CHAPTERS`] from `dir`. `Err` lists every problem (all
/// chapters are read first, so one run names them all). `on_read` sees each path tried (build.rs
/// registers them for rebuilds).
pub fn load(dir: &Path, mut on_read: impl FnMut(&Path)) -> Result<Vec<LoadedChapter>, Vec<String>> {
    let mut failures = Vec::new();
    let mut exercise_ids: Vec<(String, String)> = Vec::new();
    let mut chapters = Vec::new();
    for (stem, number, fallback) in CHAPTERS {
        let file = format!("{stem}.md");
        let path = dir.join(&file);
        on_read(&path);
        let slug = stem.replace('_', "-");
        let (chapter, missing) = match std::fs::read_to_string(&path) {
            Ok(source) => {
                let mut problems = Vec::new();
                let chapter = markdown::render_chapter(&source, &slug, &mut problems);
                failures.extend(
                    problems
                        .into_iter()
                        .map(|p| format!("chapters/{file}: {}", p.message)),
                );
                (chapter, false)
            }
            Err(_) => (placeholder(fallback, &path), true),
        };
        for block in &chapter.blocks {
            if let markdown::Block::Exercise(e) = block {
                if let Some((_, other)) = exercise_ids.iter().find(|(id, _)| *id == e.id) {
                    failures.push(format!(
                        "chapters/{file}: exercise id `{}` already used in chapters/{other}",
                        e.id
                    ));
                }
                exercise_ids.push((e.id.clone(), file.clone()));
            }
        }
        let title = if chapter.title.is_empty() {
            failures.push(format!("chapters/{file}: no `# Title` line"));
            fallback.to_string()
        } else {
            strip_number(&chapter.title, number).to_string()
        };
        chapters.push(LoadedChapter {
            slug,
            number,
            file,
            missing,
            chapter: markdown::Chapter { title, ..chapter },
        });
    }
    if failures.is_empty() {
        Ok(chapters)
    } else {
        Err(failures)
    }
}

/// All the HTML of a chapter (text, exercises, options), for the math-font check.
fn all_html(chapter: &markdown::Chapter) -> String {
    let mut all = String::new();
    for block in &chapter.blocks {
        match block {
            markdown::Block::Html(h) => all.push_str(h),
            markdown::Block::Exercise(e) => {
                all.push_str(&e.question_html);
                all.push_str(&e.explain_html);
                all.push_str(e.hint_html.as_deref().unwrap_or(""));
                if let markdown::Answer::Choices { options, .. } = &e.answer {
                    all.push_str(&options.concat());
                }
            }
            markdown::Block::Widget { .. } => {}
        }
    }
    all
}

/// The math characters the chapters use that the font subset (`assets/fonts/subset-chars.txt`,
/// see assets/fonts/README.md) lacks: the browser would draw them with another font, so the
/// subset must be regenerated. Empty when the list cannot be read.
pub fn missing_glyphs(chapters: &[LoadedChapter], subset_list: &Path) -> String {
    let Ok(subset) = std::fs::read_to_string(subset_list) else {
        return String::new();
    };
    let mut used = std::collections::BTreeSet::new();
    for ch in chapters {
        used.extend(markdown::math_chars(&all_html(&ch.chapter)));
    }
    used.iter().filter(|c| !subset.contains(**c)).collect()
}

/// "00 · Fundamentals" → "Fundamentals": the site shows the number separately.
pub fn strip_number<'a>(title: &'a str, number: &str) -> &'a str {
    let Some(rest) = title.strip_prefix(number) else {
        return title;
    };
    let rest = rest.trim_start();
    let rest = rest
        .strip_prefix('·')
        .or_else(|| rest.strip_prefix(':'))
        .or_else(|| rest.strip_prefix('.'))
        .or_else(|| rest.strip_prefix('—'))
        .or_else(|| rest.strip_prefix('-'))
        .unwrap_or(rest)
        .trim_start();
    if rest.is_empty() {
        title
    } else {
        rest
    }
}

/// The page shown when a chapter's Markdown file does not exist (yet).
fn placeholder(title: &str, path: &Path) -> markdown::Chapter {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    markdown::Chapter {
        title: title.to_string(),
        planned: true,
        sections: Vec::new(),
        blocks: vec![markdown::Block::Html(format!(
            "<p>This chapter has not been written yet (<code>chapters/{name}</code> is missing).</p>\n"
        ))],
    }
}
