//! Parsing, printing and algebra of `Irrep` / `Irreps`.

use multiace_core::so3::{Irrep, Irreps, MulIr, Parity, So3Error};

#[test]
fn parse_and_print_like_e3nn() {
    let ir: Irreps = "8x0e+4x1o + 2x2e".parse().expect("valid");
    assert_eq!(ir.to_string(), "8x0e+4x1o+2x2e");
    assert_eq!(ir.dim(), 8 + 12 + 10);
    assert_eq!(ir.num_irreps(), 14);
    assert_eq!(ir.lmax(), Some(2));
    assert_eq!("0e".parse::<Irreps>().expect("valid").to_string(), "1x0e");
    assert_eq!("".parse::<Irreps>().expect("empty"), Irreps::default());
    assert_eq!(Irreps::default().lmax(), None);
    assert_eq!(Irreps::default().dim(), 0);
    let ir: Irreps = "2x1o + 3x0e".parse().expect("valid");
    assert_eq!(
        ir.0[1],
        MulIr {
            mul: 3,
            ir: Irrep::new(0, Parity::Even)
        }
    );
    assert_eq!(
        Irreps::spherical_harmonics(3).to_string(),
        "1x0e+1x1o+1x2e+1x3o"
    );
}

#[test]
fn malformed_strings_say_which_term_and_why() {
    let e = "8x0e+3y".parse::<Irreps>().expect_err("bad parity");
    assert_eq!(e.to_string(), "`3y` in `8x0e+3y`: parity must be e or o");
    for bad in [
        "8x0e++1o",
        "+1o",
        "1o+",
        "-2x1o",
        "2x-1o",
        "ax1o",
        "2x",
        "2xe",
        "1",
        "x1e",
        "2x1.5e",
        "99999999999x0e",
        "3x500e",
        "1e9999999999999999999999",
    ] {
        match bad.parse::<Irreps>() {
            Err(So3Error::IrrepsParse { input, reason, .. }) => {
                assert_eq!(input, bad);
                assert!(!reason.is_empty());
            }
            other => panic!("`{bad}` should be a parse error, got {other:?}"),
        }
    }
}

#[test]
fn simplify_sort_and_products() {
    let ir: Irreps = "1x0e+2x0e+0x1o+1x1e+1x1o+1x0e".parse().expect("valid");
    assert_eq!(ir.simplify().to_string(), "3x0e+1x1e+1x1o+1x0e");
    let s = ir.sort();
    // e3nn order: by l, odd before even; stable.
    assert_eq!(s.irreps.to_string(), "1x0e+2x0e+1x0e+0x1o+1x1o+1x1e");
    assert_eq!(s.irreps.simplify().to_string(), "4x0e+1x1o+1x1e");
    for (old, &new) in s.p.iter().enumerate() {
        assert_eq!(s.inv[new], old);
        assert_eq!(s.irreps.0[new], ir.0[old]);
    }
    let prod: Vec<String> = Irrep::new(1, Parity::Odd)
        .mul(&Irrep::new(2, Parity::Even))
        .map(|i| i.to_string())
        .collect();
    assert_eq!(prod, ["1o", "2o", "3o"]);
    let prod: Vec<String> = Irrep::new(1, Parity::Odd)
        .mul(&Irrep::new(1, Parity::Odd))
        .map(|i| i.to_string())
        .collect();
    assert_eq!(prod, ["0e", "1e", "2e"]);
    assert_eq!("3o".parse::<Irrep>().expect("valid").dim(), 7);
}

#[test]
fn inversion_acts_by_parity() {
    // Spherical harmonics of degree l transform like (-1)^l under inversion: their irreps say so.
    let sh = Irreps::spherical_harmonics(4);
    assert_eq!(sh.inversion_signs(), vec![1, -1, 1, -1, 1]);
    for l in 0..5 {
        assert_eq!(Irrep::sh(l).p.sign(), if l % 2 == 0 { 1 } else { -1 });
    }
    // The parity of a product is the product of parities.
    assert_eq!(Parity::Odd * Parity::Odd, Parity::Even);
    assert_eq!(Parity::Odd * Parity::Even, Parity::Odd);
}
