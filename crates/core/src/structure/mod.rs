//! Atomic structures: atoms, species and cells; extended XYZ files as ASE reads and writes them; and
//! neighbour lists with a cutoff, for molecules and for periodic cells of any shape and size.
//!
//! | file | object | ASE |
//! |---|---|---|
//! | `atoms.rs` | [`Structure`], [`atomic_number`], [`atomic_mass`] | `ase.Atoms`, `ase.data.atomic_numbers`, `ase.data.atomic_masses` |
//! | `xyz.rs` | [`read_xyz`], [`write_xyz`], [`XyzError`] | `ase.io.extxyz` |
//! | `comment_line.rs` | the `key=value` comment line | `extxyz.key_val_str_to_dict` |
//! | `neighbours.rs` | [`NeighbourList`], [`neighbour_list`], brute force | `ase.neighborlist.neighbor_list` |
//! | `cell_list.rs` | the linear-time (binned) search | `primitive_neighbor_list` |
//! | `cell.rs` | periodic directions, completed cell, fractional coordinates | `ase.geometry.complete_cell` |
//! | `error.rs` | [`StructureError`] | |
//!
//! ```
//! use multiace_core::structure::{neighbour_list, read_xyz};
//!
//! // fcc copper, one atom in the primitive cell: 12 nearest neighbours at a/√2 = 2.553 Å.
//! let text = "1\nLattice=\"0 1.805 1.805 1.805 0 1.805 1.805 1.805 0\" Properties=species:S:1:pos:R:3 pbc=\"T T T\"\nCu 0 0 0\n";
//! let cu = &read_xyz(text).unwrap()[0];
//! let list = neighbour_list(cu, 3.0).unwrap();
//! assert_eq!(list.of(0).len(), 12);
//! assert!(list.of(0).iter().all(|n| (n.distance - 3.61 / 2f64.sqrt()).abs() < 1e-3));
//! ```

mod atoms;
mod cell;
mod cell_list;
mod comment_line;
mod error;
#[cfg(test)]
mod neighbour_tests;
mod neighbours;
mod xyz;

pub use atoms::{atomic_mass, atomic_number, chemical_symbol, Structure};
pub use error::StructureError;
pub use neighbours::{neighbour_list, neighbour_list_brute_force, Neighbour, NeighbourList};
pub use xyz::{read_xyz, write_xyz, XyzError};
