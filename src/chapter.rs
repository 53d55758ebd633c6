//! The chapters as the app knows them: number, title and slug (from `build.rs`), for the table of
//! contents, the landing page and the widget catalogue. The chapter pages themselves are static
//! HTML written by `crates/site`; the app mounts their widgets and exercises (`islands.rs`).

pub struct ChapterData {
    /// URL slug, e.g. "00-fundamentals".
    pub slug: &'static str,
    /// "00" … "05".
    pub number: &'static str,
    pub title: &'static str,
    /// The chapter says `*Planned chapter.*`: its sections are a plan, not text yet.
    pub planned: bool,
}

include!(concat!(env!("OUT_DIR"), "/chapters.rs"));

pub fn find(slug: &str) -> Option<(usize, &'static ChapterData)> {
    CHAPTERS.iter().enumerate().find(|(_, c)| c.slug == slug)
}

/// The chapter's route, without the base path (see [`href`]).
pub fn route(ch: &ChapterData) -> String {
    format!("/chapter/{}", ch.slug)
}

/// The chapter's link target, with the base path. A chapter is its own static page, so links to
/// it are ordinary page loads (`rel="external"` keeps the router out of them).
pub fn href(ch: &ChapterData) -> String {
    crate::util::path(&route(ch))
}
