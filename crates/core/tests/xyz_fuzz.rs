#![cfg(not(target_arch = "wasm32"))]
//! Fuzzing the XYZ reader and writer with proptest: random bytes, random printable text, token soup
//! and mutated valid files must give `Ok` or `Err`, never a panic; whatever reads `Ok` must survive a
//! write and a second read unchanged; random valid structures must round-trip exactly; and the
//! neighbour list of anything that parses must not panic either.
//!
//! The case counts keep this file under a few seconds in `cargo test` (opt-level 2). For a longer run:
//! `PROPTEST_CASES=20000 cargo test -p multiace-core --test xyz_fuzz`.

use multiace_core::structure::{neighbour_list, read_xyz, write_xyz, Structure};
use proptest::prelude::*;

/// Reading never panics; if it succeeds, writing and reading again gives the same frames, and a
/// neighbour list of every frame is `Ok` or `Err`.
fn check(text: &str) {
    if let Ok(frames) = read_xyz(text) {
        let again = read_xyz(&write_xyz(&frames));
        assert_eq!(
            again.as_ref(),
            Ok(&frames),
            "write(read(x)) reads back differently"
        );
        for f in &frames {
            let _ = neighbour_list(f, 2.5);
        }
    }
}

const TOKENS: &[&str] = &[
    "0",
    "1",
    "2",
    "3",
    "-1",
    "99999999999999999999",
    " ",
    "  ",
    "\t",
    "\n",
    "\r\n",
    "=",
    "\"",
    "'",
    "\\",
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "Lattice=",
    "Properties=",
    "pbc=",
    "energy=",
    "species:S:1",
    ":pos:R:3",
    ":forces:R:3",
    ":Z:I:1",
    ":tag:I:1",
    ":fix:L:1",
    ":vel:R:3",
    ":R:",
    ":S:0",
    "T",
    "F",
    "T T F",
    "nan",
    "inf",
    "-0",
    "1e308",
    "1e-320",
    "3.61",
    "-12.5",
    "Cu",
    "h",
    "C",
    "X",
    "😀",
    "é",
];

fn token_soup() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..60).prop_map(|t| t.concat())
}

/// Valid files to mutate: ASE style with extra columns, plain XYZ, several frames, CRLF.
const SEEDS: &[&str] = &[
    "2\nLattice=\"3.61 0.0 0.0 0.0 3.61 0.0 0.0 0.0 3.61\" Properties=species:S:1:pos:R:3:forces:R:3 energy=-7.25 config_type=bulk pbc=\"T T T\"\nCu 0.0 0.0 0.0 0.1 0.0 -0.1\nCu 1.805 1.805 0.0 -0.1 0.0 0.1\n",
    "3\nwater\nO 0.0 0.0 0.1173\nH 0.0 0.7572 -0.4692\nH 0.0 -0.7572 -0.4692\n",
    "1\nProperties=Z:I:1:pos:R:3:vel:R:3:fixed:L:1 note={a b} flag\r\n8 1 2 3 0 0 0 T\r\n2\r\n\r\nC 0 0 0\r\nH 1 0 0\r\n\r\n",
    "2\nLattice=\"2.0 0 0 0 2.0 0 0 0 0\" pbc=\"T T F\" Properties=species:S:1:pos:R:3\nSi 0 0 0\nSi 1 1 0.5\n1\n\nAr 0 0 0\n",
];

#[derive(Debug, Clone)]
enum Mutation {
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    SetChar(usize, char),
    InsertToken(usize, &'static str),
    Truncate(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let interesting = prop::sample::select(vec![
        '"', '=', ' ', '\n', ':', '\\', 'T', '0', '9', '-', 'e', '.', '{', 'x', '\r', 'ß',
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::DeleteLine),
        any::<usize>().prop_map(Mutation::DuplicateLine),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines(a, b)),
        (any::<usize>(), prop_oneof![interesting, any::<char>()])
            .prop_map(|(p, c)| Mutation::SetChar(p, c)),
        (any::<usize>(), prop::sample::select(TOKENS))
            .prop_map(|(p, t)| Mutation::InsertToken(p, t)),
        any::<usize>().prop_map(Mutation::Truncate),
    ]
}

fn mutate(text: &str, m: &Mutation) -> String {
    let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
    let n = lines.len().max(1);
    let mut chars: Vec<char> = text.chars().collect();
    let c = chars.len().max(1);
    match *m {
        Mutation::DeleteLine(i) => {
            if !lines.is_empty() {
                lines.remove(i % n);
            }
        }
        Mutation::DuplicateLine(i) => {
            if let Some(l) = lines.get(i % n).cloned() {
                lines.insert(i % n, l);
            }
        }
        Mutation::SwapLines(a, b) => {
            if !lines.is_empty() {
                lines.swap(a % n, b % n);
            }
        }
        Mutation::SetChar(p, ch) => {
            if let Some(x) = chars.get_mut(p % c) {
                *x = ch;
            }
            return chars.into_iter().collect();
        }
        Mutation::InsertToken(p, t) => {
            let at = p % (chars.len() + 1);
            chars.splice(at..at, t.chars());
            return chars.into_iter().collect();
        }
        Mutation::Truncate(p) => {
            chars.truncate(p % c);
            return chars.into_iter().collect();
        }
    }
    lines.join("\n")
}

fn finite() -> impl Strategy<Value = f64> {
    use prop::num::f64 as f;
    prop_oneof![
        4 => -50.0..50.0f64,
        1 => f::POSITIVE | f::NEGATIVE | f::NORMAL | f::SUBNORMAL | f::ZERO,
        1 => Just(0.1 + 0.2),
    ]
}

fn vec3() -> impl Strategy<Value = [f64; 3]> {
    [finite(), finite(), finite()]
}

const RESERVED: [&str; 4] = ["Lattice", "Properties", "pbc", "energy"];

fn structure() -> impl Strategy<Value = Structure> {
    let species = prop::sample::select(vec!["H", "C", "N", "O", "Si", "Cu", "Og", "X"]);
    let key = prop_oneof!["[A-Za-z_][A-Za-z0-9_]{0,8}", "[ -~]{0,10}", "\\PC{0,6}"]
        .prop_filter("reserved keys are written from the fields", |k| {
            !RESERVED.contains(&k.as_str())
        });
    let value = prop_oneof!["[A-Za-z0-9_.-]{0,8}", "[ -~\t]{0,20}", "\\PC{0,12}"];
    (0usize..7).prop_flat_map(move |n| {
        (
            prop::collection::vec(species.clone(), n),
            prop::collection::vec(vec3(), n),
            prop::option::of([vec3(), vec3(), vec3()]),
            any::<[bool; 3]>(),
            prop::option::of(finite()),
            prop::option::of(prop::collection::vec(vec3(), n)),
            prop::collection::vec((key.clone(), value.clone()), 0..4),
        )
            .prop_map(|(species, positions, cell, pbc, energy, forces, info)| {
                let mut s =
                    Structure::new(species.into_iter().map(String::from).collect(), positions);
                s.cell = cell;
                // Without a cell, extended XYZ defaults to F F F; keep the flags only when given.
                s.pbc = pbc;
                s.energy = energy;
                s.forces = forces;
                s.info = info;
                s
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8192))]

    #[test]
    fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn random_printable_text_never_panics(text in "[ -~\t\r\n]{0,300}") {
        check(&text);
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        check(&text);
        check(&format!("1\n{text}\nC 0 0 0\n"));
        check(&format!("2\nProperties=species:S:1:pos:R:3\nC 0 0 0\n{text}\n"));
    }

    #[test]
    fn mutated_valid_files_never_panic(
        seed in prop::sample::select(SEEDS),
        mutations in prop::collection::vec(mutation(), 1..5),
    ) {
        let text = mutations.iter().fold(seed.to_string(), |t, m| mutate(&t, m));
        check(&text);
    }

    #[test]
    fn valid_structures_round_trip(frames in prop::collection::vec(structure(), 0..4)) {
        let text = write_xyz(&frames);
        let back = read_xyz(&text);
        prop_assert_eq!(back.as_ref(), Ok(&frames), "text:\n{}", text);
        // And once more, with Windows line ends.
        let crlf = text.replace('\n', "\r\n");
        prop_assert_eq!(read_xyz(&crlf), Ok(frames));
    }
}

#[test]
fn the_seeds_are_valid() {
    for seed in SEEDS {
        assert!(read_xyz(seed).is_ok(), "{seed}");
        check(seed);
    }
}
