#![cfg(not(target_arch = "wasm32"))]
//! Fuzzing the MACE loader: model files that are truncated, have flipped bytes, tensors of the wrong
//! type or of a shape that contradicts the metadata, and metadata JSON that parses but lies (numbers,
//! irreps, names, lists and keys changed at random, absurd dimensions). Every case must give `Ok` or a
//! named `Err`, never a panic, and memory must stay bounded by the file: no single allocation may
//! exceed 64 MiB and the peak stays under a few MiB above the file. Whatever loads is also evaluated
//! on a molecule, which must give `Ok` with finite numbers or an `Err`.
//!
//! `MACE_FUZZ_CASES=100000 cargo test -p multiace-core --test mace_load_fuzz` runs longer.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use multiace_core::mace::{EvalOptions, MaceCalculator, MaceModel};
use multiace_core::md::VelocityVerlet;
use multiace_core::so3::SplitMix64;
use multiace_core::structure::read_xyz;
use serde_json::Value;

/// The system allocator, refusing single requests above `MAX_ONE` and tracking the live peak.
struct Bounded;

const MAX_ONE: usize = 64 << 20;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Bounded {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() > MAX_ONE {
            return std::ptr::null_mut();
        }
        let p = System.alloc(layout);
        if !p.is_null() {
            let live = LIVE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(live, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOC: Bounded = Bounded;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

/// A safetensors file split into its header JSON and its data bytes.
struct File {
    header: Value,
    data: Vec<u8>,
}

impl File {
    fn parse(bytes: &[u8]) -> File {
        let n = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
        File {
            header: serde_json::from_slice(&bytes[8..8 + n]).unwrap(),
            data: bytes[8 + n..].to_vec(),
        }
    }

    fn bytes(&self) -> Vec<u8> {
        let h = serde_json::to_vec(&self.header).unwrap();
        let mut out = (h.len() as u64).to_le_bytes().to_vec();
        out.extend(h);
        out.extend(&self.data);
        out
    }

    fn metadata(&self) -> Value {
        serde_json::from_str(self.header["__metadata__"]["multiace"].as_str().unwrap()).unwrap()
    }

    fn set_metadata(&mut self, meta: &Value) {
        self.header["__metadata__"]["multiace"] = Value::String(meta.to_string());
    }

    fn tensor_names(&self) -> Vec<String> {
        let obj = self.header.as_object().unwrap();
        obj.keys()
            .filter(|k| *k != "__metadata__")
            .cloned()
            .collect()
    }
}

fn pick<'a, T>(rng: &mut SplitMix64, items: &'a [T]) -> &'a T {
    &items[(rng.next_u64() % items.len() as u64) as usize]
}

/// Pointers (JSON paths) to every node of `v`.
fn paths(v: &Value, at: String, out: &mut Vec<String>) {
    out.push(at.clone());
    match v {
        Value::Object(m) => m.iter().for_each(|(k, x)| {
            paths(
                x,
                format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                out,
            )
        }),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .for_each(|(i, x)| paths(x, format!("{at}/{i}"), out)),
        _ => {}
    }
}

const NUMBERS: &[f64] = &[
    0.0,
    1.0,
    -1.0,
    2.0,
    3.0,
    4.0,
    7.0,
    64.0,
    0.5,
    -0.5,
    1e9,
    4294967296.0,
    1e18,
    1e300,
    -1e300,
];
const IRREPS: &[&str] = &[
    "",
    "0e",
    "1x0e",
    "8x0e+8x1o",
    "1000000000x0e",
    "8x0e+1000000x1o",
    "8x9e",
    "8x0e+8x4o",
    "8x0e+8x1o+8x2e+8x3o",
    "3x0e+5x1o",
    "x",
    "-1x0e",
];
const WORDS: &[&str] = &[
    "",
    "MACE",
    "ScaleShiftMACE",
    "LinearReadoutBlock",
    "NonLinearReadoutBlock",
    "RealAgnosticInteractionBlock",
    "RealAgnosticResidualInteractionBlock",
    "silu",
    "tanh",
    "uvu",
    "uvw",
    "BesselBasis",
    "component",
    "products.0.linear.weight",
    "interactions.0.linear.weight",
];

/// One random change to the metadata: a node replaced by a number, irreps, a word, or emptied;
/// a list shortened or lengthened; a key removed.
fn mutate_json(meta: &mut Value, rng: &mut SplitMix64) -> String {
    let mut all = Vec::new();
    paths(meta, String::new(), &mut all);
    let at = pick(rng, &all[1..]).clone();
    let node = meta.pointer_mut(&at).unwrap();
    let what = rng.next_u64() % 8;
    let replacement = match (what, &*node) {
        (0, _) => serde_json::json!(*pick(rng, NUMBERS)),
        (1, _) => Value::String(pick(rng, IRREPS).to_string()),
        (2, _) => Value::String(pick(rng, WORDS).to_string()),
        (3, Value::Array(a)) if !a.is_empty() => {
            let mut a = a.clone();
            a.pop();
            Value::Array(a)
        }
        (4, Value::Array(a)) if !a.is_empty() => {
            let mut a = a.clone();
            a.push(a[0].clone());
            Value::Array(a)
        }
        (5, Value::Number(n)) => {
            let x = n.as_f64().unwrap_or(1.0);
            serde_json::json!(x * *pick(rng, &[2.0, 10.0, 1000.0, 1e6, -1.0]))
        }
        (6, _) => Value::Null,
        _ => {
            // remove the key or the element
            let (parent, key) = at.rsplit_once('/').unwrap();
            match meta.pointer_mut(parent).unwrap() {
                Value::Object(m) => {
                    m.remove(&key.replace("~1", "/").replace("~0", "~"));
                }
                Value::Array(a) => {
                    a.remove(key.parse::<usize>().unwrap());
                }
                _ => {}
            }
            return format!("removed {at}");
        }
    };
    let text = format!("{at} := {replacement}");
    *meta.pointer_mut(&at).unwrap() = replacement;
    text
}

/// One random change to a tensor's header entry: its type, or its shape (same element count, so
/// safetensors accepts it and only the metadata can catch it), or its byte range.
fn mutate_tensor(file: &mut File, rng: &mut SplitMix64) -> String {
    let names = file.tensor_names();
    let name = pick(rng, &names).clone();
    let entry = &mut file.header[&name];
    let shape: Vec<usize> = serde_json::from_value(entry["shape"].clone()).unwrap();
    let n: usize = shape.iter().product();
    match rng.next_u64() % 4 {
        0 => {
            let dtype = *pick(rng, &["F32", "F16", "I64", "I32", "BOOL", "U8", "BF16"]);
            entry["dtype"] = Value::from(dtype);
            format!("{name}: dtype {dtype}")
        }
        1 => {
            let new = pick(
                rng,
                &[
                    vec![n],
                    vec![n, 1],
                    vec![1, n],
                    shape.iter().rev().copied().collect(),
                ],
            )
            .clone();
            entry["shape"] = serde_json::json!(new);
            format!("{name}: shape {shape:?} -> {new:?}")
        }
        2 if n > 1 => {
            // fewer elements in a shape of the same rank, with the byte range cut to match
            let mut new = shape.clone();
            if let Some(d) = new.iter_mut().find(|d| **d > 1) {
                *d -= 1;
            }
            let m: usize = new.iter().product();
            let start = entry["data_offsets"][0].as_u64().unwrap();
            let width = if entry["dtype"] == "F64" { 8 } else { 4 };
            entry["shape"] = serde_json::json!(new);
            entry["data_offsets"][1] = Value::from(start + (m * width) as u64);
            format!("{name}: shape {shape:?} -> {new:?}, range cut")
        }
        _ => {
            entry["data_offsets"][1] = Value::from(u64::MAX / 2);
            format!("{name}: range to 2^63")
        }
    }
}

/// One model file, mutated by the case number's recipe.
fn mutated(base: &[u8], rng: &mut SplitMix64) -> (Vec<u8>, String) {
    match rng.next_u64() % 6 {
        0 => {
            let cut = (rng.next_u64() % base.len() as u64) as usize;
            (base[..cut].to_vec(), format!("truncated at {cut}"))
        }
        1 => {
            let mut b = base.to_vec();
            let mut what = String::from("flipped bytes");
            for _ in 0..1 + rng.next_u64() % 8 {
                let k = (rng.next_u64() % b.len() as u64) as usize;
                b[k] ^= 1 << (rng.next_u64() % 8);
                what += &format!(" {k}");
            }
            (b, what)
        }
        2 => {
            let mut f = File::parse(base);
            let what = mutate_tensor(&mut f, rng);
            (f.bytes(), what)
        }
        _ => {
            let mut f = File::parse(base);
            let mut meta = f.metadata();
            let mut what = Vec::new();
            for _ in 0..1 + rng.next_u64() % 3 {
                what.push(mutate_json(&mut meta, rng));
            }
            f.set_metadata(&meta);
            (f.bytes(), what.join("; "))
        }
    }
}

#[test]
fn mutated_model_files_give_errors_not_panics_and_bounded_memory() {
    let cases: usize = std::env::var("MACE_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(3000);
    let bases: Vec<Vec<u8>> = [
        "mace_model_1.safetensors",
        "mace_model_2.safetensors",
        "mace_edge_model_1.safetensors",
        "mace_edge_model_3.safetensors",
        "mace_edge_model_4.safetensors",
    ]
    .iter()
    .map(|f| fixture(f))
    .collect();
    let water = read_xyz("3\n\nO 0 0 0\nH 0.76 0.59 0\nH -0.76 0.59 0\n")
        .unwrap()
        .remove(0);
    let ethanol = read_xyz(
        &std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../assets/molecules/ethanol.xyz"
        ))
        .unwrap(),
    )
    .unwrap()
    .remove(0);
    let mut rng = SplitMix64::new(12);
    let (mut loaded, mut refused) = (0, 0);
    for case in 0..cases {
        let base = &bases[case % bases.len()];
        let (bytes, what) = mutated(base, &mut rng);
        let before = LIVE.load(Ordering::Relaxed);
        PEAK.store(before, Ordering::Relaxed);
        let result = std::panic::catch_unwind(|| match MaceModel::from_safetensors(&bytes) {
            Ok(model) => {
                // what the pages do with a model: its summary, the order contributions, a few MD
                // steps, a self check
                let _ = model.summary();
                let _ = model.self_check();
                let _ = model.order_contributions(&ethanol, &mut model.workspace());
                let mut calc = MaceCalculator::new(model.clone());
                let v = vec![[0.01, -0.02, 0.005]; ethanol.len()];
                if let Ok(mut md) = VelocityVerlet::new(ethanol.clone(), v, &mut calc) {
                    for _ in 0..3 {
                        let _ = md.step(&mut calc, 0.5);
                    }
                }
                for s in [&water, &ethanol] {
                    if let Ok(out) =
                        model.evaluate(s, &mut model.workspace(), EvalOptions::default())
                    {
                        assert!(
                            out.energy.is_finite()
                                && out.forces.iter().flatten().all(|f| f.is_finite()),
                            "Ok with non-finite numbers"
                        );
                    }
                }
                true
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                false
            }
        });
        match result {
            Ok(true) => loaded += 1,
            Ok(false) => refused += 1,
            Err(_) => panic!("case {case} ({what}) panicked"),
        }
        let peak = PEAK.load(Ordering::Relaxed) - before;
        assert!(
            peak < 16 * bytes.len() + (8 << 20),
            "case {case} ({what}): {peak} bytes at the peak for a file of {}",
            bytes.len()
        );
    }
    println!("{cases} cases: {loaded} loaded, {refused} refused");
    assert!(refused > cases / 2, "most mutations must be refused");
}
