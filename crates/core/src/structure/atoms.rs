//! An atomic structure as the book and ASE see it: chemical symbols, Cartesian positions (Å), an
//! optional cell with periodic boundary conditions, and the reference energy and forces a dataset
//! carries for fitting.

/// Chemical symbols of the elements H (Z = 1) to Og (Z = 118), indexed by `Z − 1`.
const ELEMENTS: [&str; 118] = [
    "H", "He", "Li", "Be", "B", "C", "N", "O", "F", "Ne", "Na", "Mg", "Al", "Si", "P", "S", "Cl",
    "Ar", "K", "Ca", "Sc", "Ti", "V", "Cr", "Mn", "Fe", "Co", "Ni", "Cu", "Zn", "Ga", "Ge", "As",
    "Se", "Br", "Kr", "Rb", "Sr", "Y", "Zr", "Nb", "Mo", "Tc", "Ru", "Rh", "Pd", "Ag", "Cd", "In",
    "Sn", "Sb", "Te", "I", "Xe", "Cs", "Ba", "La", "Ce", "Pr", "Nd", "Pm", "Sm", "Eu", "Gd", "Tb",
    "Dy", "Ho", "Er", "Tm", "Yb", "Lu", "Hf", "Ta", "W", "Re", "Os", "Ir", "Pt", "Au", "Hg", "Tl",
    "Pb", "Bi", "Po", "At", "Rn", "Fr", "Ra", "Ac", "Th", "Pa", "U", "Np", "Pu", "Am", "Cm", "Bk",
    "Cf", "Es", "Fm", "Md", "No", "Lr", "Rf", "Db", "Sg", "Bh", "Hs", "Mt", "Ds", "Rg", "Cn", "Nh",
    "Fl", "Mc", "Lv", "Ts", "Og",
];

/// The atomic number of a chemical symbol (`"Cu"` → 29), `None` for anything that is not an element
/// from H to Og. Case-sensitive, as symbols are: `"CU"` is not copper (the XYZ reader normalises case
/// the way ASE does before it gets here).
pub fn atomic_number(symbol: &str) -> Option<u8> {
    ELEMENTS
        .iter()
        .position(|&s| s == symbol)
        .and_then(|i| u8::try_from(i + 1).ok())
}

/// The chemical symbol of atomic number `z` (29 → `"Cu"`), `None` outside 1..=118.
pub fn chemical_symbol(z: u8) -> Option<&'static str> {
    ELEMENTS.get(usize::from(z).checked_sub(1)?).copied()
}

/// The standard atomic weight of an element (amu = g/mol), `None` for an unknown symbol or one the table
/// leaves out. Values are IUPAC's abridged standard atomic weights (CIAAW 2021; Prohaska et al., *Pure
/// Appl. Chem.* 94, 573 (2022)), five significant figures, with the conventional single value for
/// elements IUPAC gives as an interval (H, Li, B, C, N, O, Mg, Si, S, Cl, Ar, Br). Covered: H to Xe
/// except Tc (no stable isotope, so no standard weight), plus Pt and Au — the elements the book's
/// datasets and widgets use. Molecular dynamics needs only the mass, and isotopic detail below 10⁻⁴
/// relative changes no trajectory a reader will see.
pub fn atomic_mass(symbol: &str) -> Option<f64> {
    let m = match symbol {
        "H" => 1.008,
        "He" => 4.0026,
        "Li" => 6.94,
        "Be" => 9.0122,
        "B" => 10.81,
        "C" => 12.011,
        "N" => 14.007,
        "O" => 15.999,
        "F" => 18.998,
        "Ne" => 20.180,
        "Na" => 22.990,
        "Mg" => 24.305,
        "Al" => 26.982,
        "Si" => 28.085,
        "P" => 30.974,
        "S" => 32.06,
        "Cl" => 35.45,
        "Ar" => 39.95,
        "K" => 39.098,
        "Ca" => 40.078,
        "Sc" => 44.956,
        "Ti" => 47.867,
        "V" => 50.942,
        "Cr" => 51.996,
        "Mn" => 54.938,
        "Fe" => 55.845,
        "Co" => 58.933,
        "Ni" => 58.693,
        "Cu" => 63.546,
        "Zn" => 65.38,
        "Ga" => 69.723,
        "Ge" => 72.630,
        "As" => 74.922,
        "Se" => 78.971,
        "Br" => 79.904,
        "Kr" => 83.798,
        "Rb" => 85.468,
        "Sr" => 87.62,
        "Y" => 88.906,
        "Zr" => 91.224,
        "Nb" => 92.906,
        "Mo" => 95.95,
        "Ru" => 101.07,
        "Rh" => 102.91,
        "Pd" => 106.42,
        "Ag" => 107.87,
        "Cd" => 112.41,
        "In" => 114.82,
        "Sn" => 118.71,
        "Sb" => 121.76,
        "Te" => 127.60,
        "I" => 126.90,
        "Xe" => 131.29,
        "Pt" => 195.08,
        "Au" => 196.97,
        _ => return None,
    };
    Some(m)
}

/// The chemical symbol of atomic number `z` (1 to 118), for files that give `Z` instead of `species`.
pub(crate) fn symbol(z: i64) -> Option<&'static str> {
    usize::try_from(z)
        .ok()
        .and_then(|z| z.checked_sub(1))
        .and_then(|i| ELEMENTS.get(i).copied())
}

/// One configuration: what an extended XYZ frame holds.
///
/// The fields are public because a structure is plain data that widgets edit (drag an atom, strain a
/// cell); routines that need consistency (one species and, if present, one force per position) check
/// it themselves.
#[derive(Debug, Clone, PartialEq)]
pub struct Structure {
    /// Chemical symbols, in file order.
    pub species: Vec<String>,
    /// Cartesian positions (Å).
    pub positions: Vec<[f64; 3]>,
    /// Lattice vectors `a`, `b`, `c` as rows (Å), as in ASE's `Lattice="ax ay az bx by bz cx cy cz"`.
    pub cell: Option<[[f64; 3]; 3]>,
    /// Periodic boundary conditions along `a`, `b`, `c`. Extended XYZ defaults to `T T T` when a
    /// `Lattice` is given and `F F F` otherwise.
    pub pbc: [bool; 3],
    /// Reference total energy (eV), the `energy=` key of the comment line.
    pub energy: Option<f64>,
    /// Reference forces (eV/Å), the `forces:R:3` columns.
    pub forces: Option<Vec<[f64; 3]>>,
    /// Every other `key=value` of the comment line, in file order, values as written (unquoted), so a
    /// file read and written again keeps them.
    pub info: Vec<(String, String)>,
}

impl Structure {
    /// A molecule: species and positions, no cell, no periodicity, no reference data.
    pub fn new(species: Vec<String>, positions: Vec<[f64; 3]>) -> Self {
        Structure {
            species,
            positions,
            cell: None,
            pbc: [false; 3],
            energy: None,
            forces: None,
            info: Vec::new(),
        }
    }

    /// The number of atoms (positions).
    pub fn len(&self) -> usize {
        self.positions.len()
    }

    /// Whether the structure has no atoms.
    pub fn is_empty(&self) -> bool {
        self.positions.is_empty()
    }

    /// The species present, each once, sorted by atomic number (H before C before O), symbols that are
    /// not elements last in alphabetical order. This is the order in which a model lists its species
    /// unless told otherwise, so two files with the same elements give the same model layout.
    pub fn species_set(&self) -> Vec<String> {
        let mut set: Vec<&String> = self.species.iter().collect();
        set.sort_by(|a, b| {
            let za = atomic_number(a).map_or(u16::MAX, u16::from);
            let zb = atomic_number(b).map_or(u16::MAX, u16::from);
            za.cmp(&zb).then_with(|| a.cmp(b))
        });
        set.dedup();
        set.into_iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atomic_numbers_cover_h_to_og() {
        assert_eq!(atomic_number("H"), Some(1));
        assert_eq!(atomic_number("C"), Some(6));
        assert_eq!(atomic_number("Cu"), Some(29));
        assert_eq!(atomic_number("Og"), Some(118));
        assert_eq!(atomic_number("CU"), None);
        assert_eq!(atomic_number("X"), None);
        assert_eq!(atomic_number(""), None);
        assert_eq!(symbol(29), Some("Cu"));
        assert_eq!(symbol(0), None);
        assert_eq!(symbol(119), None);
        assert_eq!(symbol(-3), None);
        for z in 1..=118 {
            assert_eq!(atomic_number(symbol(z).unwrap()), Some(z as u8));
        }
    }

    #[test]
    fn species_set_orders_by_atomic_number_then_unknown_alphabetically() {
        let s: Vec<String> = ["O", "Zz", "H", "C", "H", "Ab", "O", "Cu"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let n = s.len();
        let st = Structure::new(s, vec![[0.0; 3]; n]);
        assert_eq!(st.species_set(), ["H", "C", "O", "Cu", "Ab", "Zz"]);
        assert_eq!(st.len(), 8);
        assert!(!st.is_empty());
        assert!(Structure::new(vec![], vec![]).species_set().is_empty());
    }
}
