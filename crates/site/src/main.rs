//! `multiace-site`: writes every chapter route of the book as a finished static page, so a reader
//! (or a search engine, a link preview, a reader without JavaScript) gets the text, the math and
//! the navigation from the first bytes; the wasm only mounts widgets and exercises into it.
//!
//! ```text
//! multiace-site --template dist/index.html --out dist [--chapters chapters] [--fonts assets/fonts]
//!               [--bundles dist/bundles/list.txt]
//! ```
//! The template is the `index.html` trunk wrote (its `<head>` loads the styles and the wasm and,
//! in release builds, carries the CSP); `<base href>` in it gives the site's base path. Writes
//! `chapter/<slug>/index.html` for every chapter, `embed/<name>/index.html` for every widget and
//! `previews/*.svg` for the widget pictures, `print/index.html` (the whole book)
//! and `search-index.json` (`search.rs`). With `--bundles` (release builds) each page runs only
//! its widgets' bundle (`bundles.rs`). The trunk post-build hook (`scripts/post-build.mjs`) runs it on every build.
//! Bad input is one `error:` line and exit status 2.

mod book;
mod bundles;
mod citations;
mod equations;
mod html_text;
// The app reads every field of the registry; the pages need only some.
#[allow(dead_code)]
#[path = "../../../src/widgets/catalogue.rs"]
mod catalogue;
mod exercise_html;
mod markdown;
mod page;
mod preview;
mod search;
mod slot;
mod template;

use std::path::{Path, PathBuf};

struct Args {
    template: PathBuf,
    out: PathBuf,
    chapters: PathBuf,
    /// assets/fonts, for the list of the math font subset's characters.
    fonts: PathBuf,
    /// The hook's list of wasm bundles, when it built them.
    bundles: Option<PathBuf>,
}

fn parse_args(args: &[String]) -> Result<Args, String> {
    let (mut template, mut out, mut bundles) = (None, None, None);
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
            "--bundles" => bundles = Some(value()?),
            other => {
                return Err(format!(
                    "unknown argument `{other}` (use --template FILE --out DIR [--chapters DIR] [--fonts DIR] [--bundles FILE])"
                ))
            }
        }
    }
    Ok(Args {
        template: template.ok_or("missing --template FILE (trunk's index.html)")?,
        out: out.ok_or("missing --out DIR (the build's output folder)")?,
        chapters,
        fonts,
        bundles,
    })
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    std::fs::write(path, text).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

/// The bundles of a release build, with their bootstraps written beside the pages.
fn load_bundles(args: &Args, base: &str) -> Result<Option<bundles::Bundles>, String> {
    let Some(path) = &args.bundles else {
        return Ok(None);
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let bundles = bundles::Bundles::parse(&text, base)?;
    Ok(Some(bundles))
}

/// The bootstrap a page with these widgets runs (written once per bundle), or `None` for the
/// whole app's.
fn page_boot<'a>(
    bundles: Option<&bundles::Bundles>,
    widgets: impl IntoIterator<Item = &'a str>,
    out: &Path,
) -> Result<Option<String>, String> {
    let Some(bundles) = bundles else {
        return Ok(None);
    };
    let Some((file, content)) = bundles.for_widgets(widgets).and_then(|b| bundles.boot(b)) else {
        return Ok(None);
    };
    write(&out.join(&file), &content)?;
    Ok(Some(file))
}

fn write_previews(slots: &[slot::WidgetSlot], out: &Path) -> Result<(), String> {
    for s in slots {
        if let Some((file, p)) = &s.preview {
            write(&out.join("previews").join(file), &p.svg)?;
        }
    }
    Ok(())
}

/// `embed/<name>/index.html` for every widget of the registry.
fn write_embeds(
    template: &template::Template,
    bundles: Option<&bundles::Bundles>,
    out: &Path,
) -> Result<(), String> {
    for info in catalogue::CATALOGUE {
        let slot = slot::WidgetSlot::new(info.name, "", &format!("embed-{}", info.name))?;
        write_previews(std::slice::from_ref(&slot), out)?;
        let boot = page_boot(bundles, [info.name], out)?;
        let title = format!("{} · {}", info.title, page::BOOK_TITLE);
        let body = page::embed_body(&slot, template.base());
        let html = template.fill(
            &title,
            &page::esc(info.summary),
            &body,
            boot.as_deref(),
            true,
        );
        write(&out.join("embed").join(info.name).join("index.html"), &html)?;
    }
    Ok(())
}

/// `print/index.html`: the whole book in one document. Its wasm is the reader bundle's (the
/// exercises; its widgets are figures), which has no text to wait for.
fn write_print(
    template: &template::Template,
    bundles: Option<&bundles::Bundles>,
    book: &[book::LoadedChapter],
    slots: &[Vec<slot::WidgetSlot>],
    out: &Path,
) -> Result<(), String> {
    let boot = page_boot(bundles, [], out)?;
    let body = page::print_body(book, template.base(), slots);
    let title = format!("The whole book, for printing · {}", page::BOOK_TITLE);
    let description =
        "Every chapter of Multi-ACE Learning in one document, for printing or saving as PDF.";
    let html = template.fill(&title, description, &body, boot.as_deref(), false);
    write(&out.join("print").join("index.html"), &html)
}

fn run(args: &Args) -> Result<usize, String> {
    let template = std::fs::read_to_string(&args.template)
        .map_err(|e| format!("cannot read {}: {e}", args.template.display()))?;
    let template = template::Template::parse(&template)?;
    if let Some((name, content)) = template.boot_script() {
        write(&args.out.join(name), content)?;
    }
    let bundles = load_bundles(args, template.base())?;
    let book = book::load(&args.chapters, |_| {})
        .map_err(|failures| format!("chapter rendering failed:\n  {}", failures.join("\n  ")))?;
    let mut all_slots = Vec::new();
    for (index, ch) in book.iter().enumerate() {
        let mut slots = Vec::new();
        for block in &ch.chapter.blocks {
            if let markdown::Block::Widget { name, query } = block {
                let stem = format!("{}-{}", ch.slug, slots.len() + 1);
                slots.push(slot::WidgetSlot::new(name, query, &stem)?);
            }
        }
        write_previews(&slots, &args.out)?;
        let boot = page_boot(
            bundles.as_ref(),
            slots.iter().map(|s| s.name.as_str()),
            &args.out,
        )?;
        let body = page::chapter_body(&book, index, template.base(), &slots);
        let title = format!("{} {} · {}", ch.number, ch.chapter.title, page::BOOK_TITLE);
        let html = template.fill(
            &title,
            &page::description(ch),
            &body,
            boot.as_deref(),
            false,
        );
        write(
            &args.out.join("chapter").join(&ch.slug).join("index.html"),
            &html,
        )?;
        all_slots.push(slots);
    }
    write_print(&template, bundles.as_ref(), &book, &all_slots, &args.out)?;
    let index = search::to_json(&search::entries(&book, &all_slots));
    write(&args.out.join("search-index.json"), &index)?;
    write_embeds(&template, bundles.as_ref(), &args.out)?;
    let missing = book::missing_glyphs(&book, &args.fonts.join("subset-chars.txt"));
    if !missing.is_empty() {
        eprintln!("warning: math characters not in the font subset (assets/fonts/subset-chars.txt): {missing}");
    }
    Ok(book.len())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match parse_args(&args).and_then(|a| run(&a).map(|n| (n, a))) {
        Ok((n, a)) => println!(
            "multiace-site: {n} chapter pages and {} embed pages in {}",
            catalogue::CATALOGUE.len(),
            a.out.display()
        ),
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(2);
        }
    }
}
