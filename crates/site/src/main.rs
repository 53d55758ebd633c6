//! `multiace-site`: writes every chapter route of the book as a finished static page, so a reader
//! (or a search engine, a link preview, a reader without JavaScript) gets the text, the math and
//! the navigation from the first bytes; the wasm only mounts widgets and exercises into it.
//!
//! ```text
//! multiace-site --template dist/index.html --out dist [--chapters chapters] [--fonts assets/fonts]
//! ```
//! The template is the `index.html` trunk wrote (its `<head>` loads the styles and the wasm and,
//! in release builds, carries the CSP); `<base href>` in it gives the site's base path. Writes
//! `chapter/<slug>/index.html` for every chapter and `previews/<slug>-<n>.svg` for the widget
//! pictures. The trunk post-build hook (`scripts/post-build.mjs`) runs it on every build.
//! Bad input is one `error:` line and exit status 2.

mod book;
// The app reads every field of the registry; the pages need only some.
#[allow(dead_code)]
#[path = "../../../src/widgets/catalogue.rs"]
mod catalogue;
mod exercise_html;
mod markdown;
mod page;
mod preview;
mod slot;
mod template;

use std::path::{Path, PathBuf};

struct Args {
    template: PathBuf,
    out: PathBuf,
    chapters: PathBuf,
    /// assets/fonts, for the list of the math font subset's characters.
    fonts: PathBuf,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let (mut template, mut out) = (None, None);
    let (mut chapters, mut fonts) = (PathBuf::from("chapters"), PathBuf::from("assets/fonts"));
    let mut it = args.iter();
    while let Some(flag) = it.next() {
        let mut value = || {
            it.next()
                .map(PathBuf::from)
                .ok_or_else(|| format!("{flag} needs a value"))
        };
        match flag.as_str() {
            "--template" => template = Some(value()?),
            "--out" => out = Some(value()?),
            "--chapters" => chapters = value()?,
            "--fonts" => fonts = value()?,
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --template FILE --out DIR [--chapters DIR] [--fonts DIR])"
                ))
            }
        }
    }
    Ok(Args {
        template: template.ok_or("missing --template FILE (trunk's index.html)")?,
        out: out.ok_or("missing --out DIR (the build's output folder)")?,
        chapters,
        fonts,
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn run(args: &Args) -> Result<usize, String> {
    let template = std::fs::read_to_string(&args.template)
        .map_err(|e| format!("cannot read {}: {e}", args.template.display()))?;
    let template = template::Template::parse(&template)?;
    if let Some((name, content)) = template.boot_script() {
        write(&args.out.join(name), content)?;
    }
    let book = book::load(&args.chapters, |_| {})
        .map_err(|failures| format!("chapter rendering failed:\n  {}", failures.join("\n  ")))?;
    for (index, ch) in book.iter().enumerate() {
        let mut slots = Vec::new();
        for block in &ch.chapter.blocks {
            if let markdown::Block::Widget { name, query } = block {
                let stem = format!("{}-{}", ch.slug, slots.len() + 1);
                slots.push(slot::WidgetSlot::new(name, query, &stem)?);
            }
        }
        for s in &slots {
            if let Some((file, p)) = &s.preview {
                write(&args.out.join("previews").join(file), &p.svg)?;
            }
        }
        let body = page::chapter_body(&book, index, template.base(), &slots);
        let title = format!("{} {} · {}", ch.number, ch.chapter.title, page::BOOK_TITLE);
        let html = template.fill(&title, &page::description(ch), &body);
        write(
            &args.out.join("chapter").join(&ch.slug).join("index.html"),
            &html,
        )?;
    }
    let missing = book::missing_glyphs(&book, &args.fonts.join("subset-chars.txt"));
    if !missing.is_empty() {
        eprintln!("warning: math characters not in the font subset (assets/fonts/subset-chars.txt): {missing}");
    }
    Ok(book.len())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args).and_then(|a| run(&a).map(|n| (n, a))) {
        Ok((n, a)) => println!("multiace-site: {n} chapter pages in {}", a.out.display()),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
