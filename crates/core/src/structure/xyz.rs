//! Reading and writing XYZ files: plain XYZ (count, free-text comment, `species x y z` lines) and the
//! extended XYZ that ASE writes, where the comment line holds `key=value` pairs (`Lattice`,
//! `Properties`, `pbc`, `energy`, anything else) and `Properties` names the per-atom columns.
//!
//! Compatibility with ASE (`ase.io.extxyz`) is the point, so the datasets and models made in Python
//! load here unchanged: the same tokenisation of the comment line, `Lattice` rows = lattice vectors,
//! `pbc` defaulting to `T T T` when a `Lattice` is given, species capitalised, `Z` taking precedence
//! over `species`, extra columns after the described ones ignored. Differences, each deliberate: a
//! comment line without any `=` is kept whole as the info entry `comment` (ASE would split free text
//! into boolean keys); a blank line followed by more text is an error (ASE silently stops there);
//! non-finite positions, forces, energies and lattices are errors.
//!
//! Nothing here panics on any input: every problem is an [`XyzError`] with the 1-based line.

use std::fmt;

use super::atoms::{symbol, Structure};
use super::comment_line::{parse_key_values, quote};
use super::error::pbc_string;

/// What is wrong with an XYZ file, and where. `Display`: `line 7: expected 3 numbers for pos, found 'abc'`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XyzError {
    /// 1-based line number.
    pub line: usize,
    /// What was wrong there.
    pub message: String,
}

impl fmt::Display for XyzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for XyzError {}

fn error(line: usize, message: impl Into<String>) -> XyzError {
    XyzError {
        line,
        message: message.into(),
    }
}

/// Text from the file, shortened for an error message (a fuzzed line can be megabytes long).
fn shown(s: &str) -> String {
    const MAX: usize = 40;
    match s.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}…", &s[..cut]),
        None => s.to_string(),
    }
}

/// All frames of an XYZ or extended XYZ file, in order. Windows line ends and blank lines at the end
/// are accepted; an empty file has no frames.
pub fn read_xyz(text: &str) -> Result<Vec<Structure>, XyzError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut frames = Vec::new();
    let mut next = 0;
    while let Some(line) = lines.get(next) {
        if line.trim().is_empty() {
            if let Some(k) = lines[next..].iter().position(|l| !l.trim().is_empty()) {
                return Err(error(
                    next + k + 1,
                    format!(
                        "text after a blank line (line {}): frames must follow each other without blank lines",
                        next + 1
                    ),
                ));
            }
            break;
        }
        frames.push(read_frame(&lines, &mut next)?);
    }
    Ok(frames)
}

/// Reads the frame whose count line is `lines[*next]` and moves `next` past it.
fn read_frame(lines: &[&str], next: &mut usize) -> Result<Structure, XyzError> {
    let count_line = *next + 1;
    let count_text = lines.get(*next).map_or("", |l| l.trim());
    let n: usize = count_text.parse().map_err(|_| {
        error(
            count_line,
            format!(
                "expected the number of atoms, found '{}'",
                shown(count_text)
            ),
        )
    })?;
    let Some(comment) = lines.get(*next + 1) else {
        return Err(error(
            count_line + 1,
            format!("file ends before the comment line of a frame of {n} atoms"),
        ));
    };
    let header = Header::parse(comment, count_line + 1)?;
    let first = *next + 2;
    // The count comes from the file: never reserve more than the lines that exist.
    let capacity = n.min(lines.len().saturating_sub(first));
    let mut species = Vec::with_capacity(capacity);
    let mut positions = Vec::with_capacity(capacity);
    let mut forces = Vec::with_capacity(if header.layout.forces.is_some() {
        capacity
    } else {
        0
    });
    let mut tokens: Vec<&str> = Vec::new();
    for k in 0..n {
        let Some(line) = lines.get(first + k) else {
            return Err(error(
                lines.len() + 1,
                format!("file ends after {k} of {n} atoms"),
            ));
        };
        let line_no = first + k + 1;
        tokens.clear();
        tokens.extend(line.split_whitespace());
        let atom = header.layout.parse_atom(&tokens, line_no)?;
        species.push(atom.species);
        positions.push(atom.position);
        if let Some(f) = atom.force {
            forces.push(f);
        }
    }
    *next = first + n;
    Ok(Structure {
        species,
        positions,
        cell: header.cell,
        pbc: header.pbc,
        energy: header.energy,
        forces: header.layout.forces.map(|_| forces),
        info: header.info,
    })
}

/// What the comment line says about a frame.
struct Header {
    layout: Layout,
    cell: Option<[[f64; 3]; 3]>,
    pbc: [bool; 3],
    energy: Option<f64>,
    info: Vec<(String, String)>,
}

impl Header {
    fn parse(line: &str, line_no: usize) -> Result<Header, XyzError> {
        let text = line.trim();
        let pairs = if text.contains('=') {
            parse_key_values(text)
        } else if text.is_empty() {
            Vec::new()
        } else {
            vec![("comment".to_string(), text.to_string())]
        };
        let mut layout = None;
        let mut cell = None;
        let mut pbc = None;
        let mut energy = None;
        let mut info = Vec::new();
        for (key, value) in pairs {
            match key.as_str() {
                "Lattice" => cell = Some(parse_lattice(&value, line_no)?),
                "Properties" => layout = Some(Layout::parse(&value, line_no)?),
                "pbc" => pbc = Some(parse_pbc(&value, line_no)?),
                "energy" => energy = Some(parse_finite(&value, "energy", line_no)?),
                _ => info.push((key, value)),
            }
        }
        let layout = match layout {
            Some(l) => l,
            None => Layout::parse("species:S:1:pos:R:3", line_no)?,
        };
        let pbc = pbc.unwrap_or([cell.is_some(); 3]);
        Ok(Header {
            layout,
            cell,
            pbc,
            energy,
            info,
        })
    }
}

/// ASE accepts numbers and booleans separated by whitespace or commas.
fn items(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|s| !s.is_empty())
}

fn parse_finite(token: &str, what: &str, line_no: usize) -> Result<f64, XyzError> {
    match token.trim().parse::<f64>() {
        Ok(x) if x.is_finite() => Ok(x),
        Ok(_) => Err(error(
            line_no,
            format!("{what} must be finite, found '{}'", shown(token)),
        )),
        Err(_) => Err(error(
            line_no,
            format!("expected a number for {what}, found '{}'", shown(token)),
        )),
    }
}

fn parse_lattice(value: &str, line_no: usize) -> Result<[[f64; 3]; 3], XyzError> {
    let found = items(value).count();
    if found != 9 {
        return Err(error(
            line_no,
            format!("Lattice needs 9 numbers (vectors a, b, c), found {found}"),
        ));
    }
    let mut cell = [[0.0; 3]; 3];
    for (k, item) in items(value).enumerate() {
        cell[k / 3][k % 3] = parse_finite(item, "Lattice", line_no)?;
    }
    Ok(cell)
}

fn parse_bool(s: &str) -> Option<bool> {
    match s {
        "T" | "True" | "true" | "TRUE" => Some(true),
        "F" | "False" | "false" | "FALSE" => Some(false),
        _ => None,
    }
}

fn parse_pbc(value: &str, line_no: usize) -> Result<[bool; 3], XyzError> {
    let flags: Option<Vec<bool>> = items(value).map(parse_bool).collect();
    match flags.as_deref() {
        Some(&[p]) => Ok([p; 3]),
        Some(&[a, b, c]) => Ok([a, b, c]),
        _ => Err(error(
            line_no,
            format!("pbc must be one or three of T/F, found '{}'", shown(value)),
        )),
    }
}

/// The kind of a column, the second field of a `Properties` triple.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Real,
    Integer,
    Str,
    Logical,
}

impl Kind {
    fn letter(self) -> char {
        match self {
            Kind::Real => 'R',
            Kind::Integer => 'I',
            Kind::Str => 'S',
            Kind::Logical => 'L',
        }
    }
}

/// One `name:type:count` triple of `Properties`, with the index of its first column.
struct Column {
    name: String,
    kind: Kind,
    count: usize,
    start: usize,
}

/// The per-atom columns a frame's `Properties` describes, and where the ones we keep start.
struct Layout {
    columns: Vec<Column>,
    total: usize,
    species: Option<usize>,
    numbers: Option<usize>,
    positions: usize,
    forces: Option<usize>,
}

/// The data of one atom line that a [`Structure`] keeps.
struct Atom {
    species: String,
    position: [f64; 3],
    force: Option<[f64; 3]>,
}

impl Layout {
    fn parse(value: &str, line_no: usize) -> Result<Layout, XyzError> {
        let fields: Vec<&str> = value.split(':').collect();
        if !fields.len().is_multiple_of(3) {
            return Err(error(
                line_no,
                format!(
                    "Properties must be name:type:count triples, found '{}'",
                    shown(value)
                ),
            ));
        }
        let mut columns: Vec<Column> = Vec::with_capacity(fields.len() / 3);
        let mut total: usize = 0;
        for triple in fields.chunks_exact(3) {
            let &[name, kind, count] = triple else {
                continue; // unreachable: chunks_exact(3)
            };
            let kind = match kind {
                "R" => Kind::Real,
                "I" => Kind::Integer,
                "S" => Kind::Str,
                "L" => Kind::Logical,
                _ => {
                    return Err(error(
                        line_no,
                        format!(
                            "Properties: unknown type '{}' of column '{}' (expected R, I, S or L)",
                            shown(kind),
                            shown(name)
                        ),
                    ))
                }
            };
            let count = match count.parse::<usize>() {
                Ok(c) if c >= 1 => c,
                _ => {
                    return Err(error(
                        line_no,
                        format!(
                            "Properties: column '{}' needs a positive count, found '{}'",
                            shown(name),
                            shown(count)
                        ),
                    ))
                }
            };
            if columns.iter().any(|c| c.name == name) {
                return Err(error(
                    line_no,
                    format!("Properties: column '{}' is listed twice", shown(name)),
                ));
            }
            let start = total;
            total = total
                .checked_add(count)
                .ok_or_else(|| error(line_no, "Properties: more columns than can be counted"))?;
            columns.push(Column {
                name: name.to_string(),
                kind,
                count,
                start,
            });
        }
        let find = |name: &str, kind: Kind, count: usize| -> Result<Option<usize>, XyzError> {
            match columns.iter().find(|c| c.name == name) {
                None => Ok(None),
                Some(c) if c.kind == kind && c.count == count => Ok(Some(c.start)),
                Some(c) => Err(error(
                    line_no,
                    format!(
                        "Properties: column '{name}' must be {name}:{}:{count}, found {name}:{}:{}",
                        kind.letter(),
                        c.kind.letter(),
                        c.count
                    ),
                )),
            }
        };
        let species = find("species", Kind::Str, 1)?;
        let numbers = find("Z", Kind::Integer, 1)?;
        let forces = find("forces", Kind::Real, 3)?;
        let Some(positions) = find("pos", Kind::Real, 3)? else {
            return Err(error(line_no, "Properties has no pos:R:3 column"));
        };
        if species.is_none() && numbers.is_none() {
            return Err(error(
                line_no,
                "Properties has neither species:S:1 nor Z:I:1, so the elements are unknown",
            ));
        }
        Ok(Layout {
            columns,
            total,
            species,
            numbers,
            positions,
            forces,
        })
    }

    /// The columns in words, for "expected 4 columns (species x y z)".
    fn describe(&self) -> String {
        let words: Vec<String> = self
            .columns
            .iter()
            .map(|c| match (c.name.as_str(), c.count) {
                ("pos", _) => "x y z".to_string(),
                ("forces", _) => "fx fy fz".to_string(),
                (name, 1) => shown(name),
                (name, k) => format!("{}×{k}", shown(name)),
            })
            .collect();
        words.join(" ")
    }

    fn parse_atom(&self, tokens: &[&str], line_no: usize) -> Result<Atom, XyzError> {
        if tokens.len() < self.total {
            return Err(error(
                line_no,
                format!(
                    "expected {} columns ({}), found {}",
                    self.total,
                    self.describe(),
                    tokens.len()
                ),
            ));
        }
        // Every described column must parse, also the ones a Structure does not keep.
        for c in &self.columns {
            for k in 0..c.count {
                let token = tokens.get(c.start + k).copied().unwrap_or("");
                let ok = match c.kind {
                    Kind::Real => token.parse::<f64>().is_ok(),
                    Kind::Integer => token.parse::<i64>().is_ok(),
                    Kind::Logical => parse_bool(token).is_some(),
                    Kind::Str => true,
                };
                if !ok {
                    let what = match c.kind {
                        Kind::Real if c.count == 1 => "a number".to_string(),
                        Kind::Real => format!("{} numbers", c.count),
                        Kind::Integer if c.count == 1 => "an integer".to_string(),
                        Kind::Integer => format!("{} integers", c.count),
                        _ => "T or F".to_string(),
                    };
                    return Err(error(
                        line_no,
                        format!(
                            "expected {what} for {}, found '{}'",
                            shown(&c.name),
                            shown(token)
                        ),
                    ));
                }
            }
        }
        let vector = |start: usize, name: &str| -> Result<[f64; 3], XyzError> {
            let mut v = [0.0; 3];
            for (k, x) in v.iter_mut().enumerate() {
                *x = parse_finite(tokens.get(start + k).copied().unwrap_or(""), name, line_no)?;
            }
            Ok(v)
        };
        let species = match (self.numbers, self.species) {
            (Some(col), _) => {
                let token = tokens.get(col).copied().unwrap_or("");
                let z = token.parse::<i64>().ok();
                match z.and_then(symbol) {
                    Some(s) => s.to_string(),
                    None => {
                        return Err(error(
                            line_no,
                            format!(
                                "Z must be an atomic number from 1 to 118, found '{}'",
                                shown(token)
                            ),
                        ))
                    }
                }
            }
            (None, Some(col)) => capitalize(tokens.get(col).copied().unwrap_or("")),
            (None, None) => String::new(), // unreachable: Layout::parse requires one of them
        };
        Ok(Atom {
            species,
            position: vector(self.positions, "pos")?,
            force: match self.forces {
                Some(start) => Some(vector(start, "forces")?),
                None => None,
            },
        })
    }
}

/// `"cU"` → `"Cu"`, as ASE normalises symbols (Python's `str.capitalize`). Only ASCII letters change
/// case: element symbols are ASCII, and Unicode case mapping is not idempotent (`ß` → `SS`), which
/// would make a file read, written and read again differ.
fn capitalize(s: &str) -> String {
    let mut out = s.to_ascii_lowercase();
    if let Some(first) = out.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    out
}

/// The keys [`write_xyz`] writes itself; an `info` entry with one of these names is not written.
const RESERVED: [&str; 4] = ["Lattice", "Properties", "pbc", "energy"];

/// A number in the shortest form that reads back as the same `f64` (Rust's `{}` / `{:e}` formatting),
/// with exponent notation only for very small or large magnitudes and always a `.` or `e`, so that ASE
/// reads a float, not an integer.
fn number(x: f64) -> String {
    let a = x.abs();
    if x.is_finite() && x != 0.0 && !(1e-5..1e16).contains(&a) {
        format!("{x:e}")
    } else {
        let s = format!("{x}");
        if x.is_finite() && !s.contains('.') {
            s + ".0"
        } else {
            s
        }
    }
}

/// Extended XYZ that ASE (and [`read_xyz`]) reads back: the count line, a comment line with
/// `Lattice` and `pbc` (when there is a cell or a periodic direction), `Properties`, `energy` and the
/// `info` pairs, then one line per atom with species, position and, when present, forces. Numbers are
/// written with all the digits needed to read back the same `f64`.
///
/// A structure is written as it is: one line per position, a missing species written as `X`, forces
/// only when there is one per position, `info` keys that clash with the keys above skipped, species
/// containing whitespace (which no XYZ file can hold) not repaired, non-finite numbers written as
/// `inf`/`NaN` (which [`read_xyz`] rejects).
pub fn write_xyz(frames: &[Structure]) -> String {
    let mut out = String::new();
    for s in frames {
        let n = s.positions.len();
        let forces = s.forces.as_ref().filter(|f| f.len() == n);
        out.push_str(&n.to_string());
        out.push('\n');
        let mut comment: Vec<String> = Vec::new();
        if let Some(cell) = &s.cell {
            let values: Vec<String> = cell.iter().flatten().map(|&x| number(x)).collect();
            comment.push(format!("Lattice=\"{}\"", values.join(" ")));
        }
        comment.push(format!(
            "Properties=species:S:1:pos:R:3{}",
            if forces.is_some() { ":forces:R:3" } else { "" }
        ));
        if let Some(e) = s.energy {
            comment.push(format!("energy={}", number(e)));
        }
        for (key, value) in &s.info {
            if !RESERVED.contains(&key.as_str()) {
                comment.push(format!("{}={}", quote(key), quote(value)));
            }
        }
        if s.cell.is_some() || s.pbc.iter().any(|&p| p) {
            comment.push(format!("pbc=\"{}\"", pbc_string(&s.pbc)));
        }
        out.push_str(&comment.join(" "));
        out.push('\n');
        for (i, r) in s.positions.iter().enumerate() {
            let species = s.species.get(i).map_or("X", String::as_str);
            out.push_str(&format!(
                "{species:<2} {} {} {}",
                number(r[0]),
                number(r[1]),
                number(r[2])
            ));
            if let Some(f) = forces.and_then(|f| f.get(i)) {
                out.push_str(&format!(
                    " {} {} {}",
                    number(f[0]),
                    number(f[1]),
                    number(f[2])
                ));
            }
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        read_xyz(text).unwrap_err().to_string()
    }

    #[test]
    fn reads_plain_xyz_with_free_text_comment() {
        let f =
            read_xyz("3\nwater molecule\nO 0 0 0.1\nH 0.76 0 -0.47\nh -0.76 0 -0.47\n").unwrap();
        assert_eq!(f.len(), 1);
        let w = &f[0];
        assert_eq!(w.species, ["O", "H", "H"]);
        assert_eq!(w.positions[1], [0.76, 0.0, -0.47]);
        assert_eq!(w.cell, None);
        assert_eq!(w.pbc, [false; 3]);
        assert_eq!(w.energy, None);
        assert_eq!(w.forces, None);
        assert_eq!(
            w.info,
            [("comment".to_string(), "water molecule".to_string())]
        );
    }

    #[test]
    fn reads_ase_extended_xyz_with_several_frames_crlf_and_trailing_blank_lines() {
        let text = "2\r\nLattice=\"3.0 0.0 0.0 0.0 3.0 0.0 0.0 0.0 3.0\" Properties=species:S:1:pos:R:3:forces:R:3:tag:I:1:fixed:L:1:vel:R:3 energy=-12.3 config_type=bulk pbc=\"T T F\"\r\nCu 0 0 0 0.1 0.2 0.3 1 T 0 0 0\r\nCu 1.5 1.5 0 -0.1 -0.2 -0.3 2 F 0 0 0 extra\r\n1\r\nProperties=Z:I:1:pos:R:3 note=\"two words\" flag\r\n8 1 2 3\r\n\r\n\r\n";
        let f = read_xyz(text).unwrap();
        assert_eq!(f.len(), 2);
        let cu = &f[0];
        assert_eq!(
            cu.cell,
            Some([[3.0, 0.0, 0.0], [0.0, 3.0, 0.0], [0.0, 0.0, 3.0]])
        );
        assert_eq!(cu.pbc, [true, true, false]);
        assert_eq!(cu.energy, Some(-12.3));
        assert_eq!(cu.forces.as_ref().unwrap()[1], [-0.1, -0.2, -0.3]);
        assert_eq!(cu.info, [("config_type".to_string(), "bulk".to_string())]);
        let o = &f[1];
        assert_eq!(o.species, ["O"]);
        assert_eq!(o.pbc, [false; 3]);
        assert_eq!(
            o.info,
            [
                ("note".to_string(), "two words".to_string()),
                ("flag".to_string(), "T".to_string())
            ]
        );
    }

    #[test]
    fn lattice_without_pbc_means_periodic() {
        let f = read_xyz("1\nLattice=\"2 0 0 0 2 0 0 0 2\"\nAr 0 0 0\n").unwrap();
        assert_eq!(f[0].pbc, [true; 3]);
        let f = read_xyz("1\nLattice=\"2 0 0 0 2 0 0 0 2\" pbc=F\nAr 0 0 0\n").unwrap();
        assert_eq!(f[0].pbc, [false; 3]);
    }

    #[test]
    fn empty_input_has_no_frames() {
        assert!(read_xyz("").unwrap().is_empty());
        assert!(read_xyz("\n  \n").unwrap().is_empty());
    }

    #[test]
    fn errors_name_the_line() {
        assert_eq!(
            err("abc\n"),
            "line 1: expected the number of atoms, found 'abc'"
        );
        assert_eq!(
            err("2\n\nC 0 0 0\nH 0 0\n"),
            "line 4: expected 4 columns (species x y z), found 3"
        );
        assert_eq!(
            err("3\n\nC 0 0 0\nH 0 0 1\n"),
            "line 5: file ends after 2 of 3 atoms"
        );
        assert_eq!(
            err("3"),
            "line 2: file ends before the comment line of a frame of 3 atoms"
        );
        assert_eq!(
            err("1\n\nC 0 abc 0\n"),
            "line 3: expected 3 numbers for pos, found 'abc'"
        );
        assert_eq!(
            err("1\n\nC 0 nan 0\n"),
            "line 3: pos must be finite, found 'nan'"
        );
        assert_eq!(
            err("1\nenergy=inf\nC 0 0 0\n"),
            "line 2: energy must be finite, found 'inf'"
        );
        assert_eq!(
            err("1\nLattice=\"1 2 3\"\nC 0 0 0\n"),
            "line 2: Lattice needs 9 numbers (vectors a, b, c), found 3"
        );
        assert_eq!(
            err("1\nProperties=species:S:1:pos:R:3:forces:R:3\nC 0 0 0 1 2\n"),
            "line 3: expected 7 columns (species x y z fx fy fz), found 6"
        );
        assert_eq!(
            err("1\nProperties=species:S:1:pos:R:2\nC 0 0\n"),
            "line 2: Properties: column 'pos' must be pos:R:3, found pos:R:2"
        );
        assert_eq!(
            err("1\nProperties=species:S:1:pos:X:3\nC 0 0 0\n"),
            "line 2: Properties: unknown type 'X' of column 'pos' (expected R, I, S or L)"
        );
        assert_eq!(
            err("1\nProperties=species:S:1:pos:R:3:q:L:1\nC 0 0 0 maybe\n"),
            "line 3: expected T or F for q, found 'maybe'"
        );
        assert_eq!(
            err("1\n\nC 0 0 0\n\n1\n\nC 0 0 0\n"),
            "line 5: text after a blank line (line 4): frames must follow each other without blank lines"
        );
        assert_eq!(
            err("99999999999999\n\nC 0 0 0\n"),
            "line 4: file ends after 1 of 99999999999999 atoms"
        );
    }

    #[test]
    fn numbers_are_shortest_round_trip() {
        for x in [
            0.0,
            -0.0,
            1.0,
            -12.3,
            0.1 + 0.2,
            1e-7,
            3.0e20,
            5e-324,
            f64::MAX,
            123456.789,
        ] {
            let s = number(x);
            assert_eq!(
                s.parse::<f64>().unwrap().to_bits(),
                x.to_bits(),
                "{x} as {s}"
            );
            assert!(s.contains('.') || s.contains('e'), "{s}");
        }
        assert_eq!(number(1.0), "1.0");
        assert_eq!(number(1e-7), "1e-7");
    }

    #[test]
    fn write_then_read_is_identity() {
        let mut s = Structure::new(
            vec!["Cu".into(), "O".into()],
            vec![[0.1 + 0.2, -1e-9, 3.0], [1.0 / 3.0, 2.5, -7.25]],
        );
        s.cell = Some([[3.61, 0.0, 0.0], [0.1, 3.5, 0.0], [0.0, 0.2, 4.0]]);
        s.pbc = [true, false, true];
        s.energy = Some(-3.0);
        s.forces = Some(vec![[0.01, -0.02, 0.0], [1e-12, 2.0, -3.0]]);
        s.info = vec![
            ("config_type".into(), "md 400K".into()),
            ("q\"uote".into(), "back\\slash".into()),
            ("empty".into(), String::new()),
        ];
        let m = Structure::new(vec!["H".into()], vec![[0.0, 0.0, 0.0]]);
        let text = write_xyz(&[s.clone(), m.clone()]);
        assert_eq!(read_xyz(&text).unwrap(), vec![s, m]);
    }
}
