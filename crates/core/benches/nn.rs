//! Benchmarks of the `nn` kernels at MACE sizes, mirroring `tools/bench_nn_reference.py` (e3nn 0.4.4,
//! float64, one thread) so the times compare directly:
//!
//! * `nn/tp_uvu/{forward,backward}`: MACE's convolution tensor product, `32x0e+32x1o+32x2e` ⊗
//!   spherical harmonics `1x0e+1x1o+1x2e+1x3o` → every path into `32x0e+32x1o+32x2e+32x3o` (`uvu`,
//!   17 paths, 544 weights per edge), for 1000 edges, each edge with its own weights (as MACE's radial
//!   MLP gives them). `backward` is the vector–Jacobian product w.r.t. both inputs only.
//! * `nn/linear/{forward,backward}`: `o3.Linear(32x0e+32x1o+32x2e+32x3o → same)`, shared weights, 1000
//!   nodes.
//!
//! ```text
//! cargo bench -p multiace-core --bench nn -- --warm-up-time 1 --measurement-time 3
//! PYTHONPATH=/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 /opt/mavenv/bin/python -W ignore tools/bench_nn_reference.py
//! ```

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use multiace_core::nn::{Linear, TensorProduct};
use multiace_core::so3::{Irreps, SplitMix64};

const N: usize = 1000;

fn randn(rng: &mut SplitMix64, n: usize) -> Vec<f64> {
    (0..n).map(|_| rng.normal()).collect()
}

fn ir(s: &str) -> Irreps {
    s.parse().expect("valid irreps")
}

fn tensor_product(c: &mut Criterion) {
    let tp = TensorProduct::channelwise(
        &ir("32x0e+32x1o+32x2e"),
        &ir("1x0e+1x1o+1x2e+1x3o"),
        &ir("32x0e+32x1o+32x2e+32x3o"),
    )
    .expect("valid");
    let (d1, d2, d3, nw) = (
        tp.irreps_in1().dim(),
        tp.irreps_in2().dim(),
        tp.irreps_out().dim(),
        tp.weight_numel(),
    );
    let mut rng = SplitMix64::new(3);
    let x1 = randn(&mut rng, N * d1);
    let x2 = randn(&mut rng, N * d2);
    let w = randn(&mut rng, N * nw);
    let g = randn(&mut rng, N * d3);
    let mut out = vec![0.0; N * d3];
    let (mut g1, mut g2) = (vec![0.0; N * d1], vec![0.0; N * d2]);
    let mut group = c.benchmark_group("nn/tp_uvu");
    group.bench_function("forward", |b| {
        b.iter(|| {
            for e in 0..N {
                tp.forward(
                    &x1[e * d1..(e + 1) * d1],
                    &x2[e * d2..(e + 1) * d2],
                    &w[e * nw..(e + 1) * nw],
                    &mut out[e * d3..(e + 1) * d3],
                );
            }
            black_box(&out);
        })
    });
    group.bench_function("backward", |b| {
        b.iter(|| {
            g1.fill(0.0);
            g2.fill(0.0);
            for e in 0..N {
                tp.backward(
                    &x1[e * d1..(e + 1) * d1],
                    &x2[e * d2..(e + 1) * d2],
                    &w[e * nw..(e + 1) * nw],
                    &g[e * d3..(e + 1) * d3],
                    &mut g1[e * d1..(e + 1) * d1],
                    &mut g2[e * d2..(e + 1) * d2],
                );
            }
            black_box((&g1, &g2));
        })
    });
    group.finish();
}

fn linear(c: &mut Criterion) {
    let irreps = ir("32x0e+32x1o+32x2e+32x3o");
    let lin = Linear::new(&irreps, &irreps).expect("valid");
    let d = irreps.dim();
    let mut rng = SplitMix64::new(4);
    let w = randn(&mut rng, lin.weight_numel());
    let x = randn(&mut rng, N * d);
    let g = randn(&mut rng, N * d);
    let mut out = vec![0.0; N * d];
    let mut gx = vec![0.0; N * d];
    let mut group = c.benchmark_group("nn/linear");
    group.bench_function("forward", |b| {
        b.iter(|| {
            for (xs, os) in x.chunks_exact(d).zip(out.chunks_exact_mut(d)) {
                lin.forward(&w, xs, os);
            }
            black_box(&out);
        })
    });
    group.bench_function("backward", |b| {
        b.iter(|| {
            gx.fill(0.0);
            for (gs, xs) in g.chunks_exact(d).zip(gx.chunks_exact_mut(d)) {
                lin.backward_input(&w, gs, xs);
            }
            black_box(&gx);
        })
    });
    group.finish();
}

/// `nn/interaction/{forward,backward}` (helper N2): one NequIP-style interaction layer
/// (`16x0e+16x1o+16x2e` → same, l_max 3, 8 Bessel functions, radial MLP [8, 16, 160], r_cut 5 Å) on a
/// rattled periodic 64-atom fcc copper cell (about 2900 edges); `backward` is ∂(Σ_i c·h_i')/∂(positions,
/// h), which runs the forward pass too.
fn interaction(c: &mut Criterion) {
    use multiace_core::nn::{InteractionLayer, InteractionSpec};
    use multiace_core::structure::{neighbour_list, Structure};
    let a = 3.61;
    let mut rng = SplitMix64::new(6);
    let mut pos = Vec::new();
    for i in 0..4 {
        for j in 0..2 {
            for k in 0..2 {
                for p in [
                    [0.0, 0.0, 0.0],
                    [0.5, 0.5, 0.0],
                    [0.5, 0.0, 0.5],
                    [0.0, 0.5, 0.5],
                ] {
                    pos.push([
                        a * (i as f64 + p[0]) + 0.05 * rng.normal(),
                        a * (j as f64 + p[1]) + 0.05 * rng.normal(),
                        a * (k as f64 + p[2]) + 0.05 * rng.normal(),
                    ]);
                }
            }
        }
    }
    let n = pos.len();
    let mut s = Structure::new(vec!["Cu".into(); n], pos);
    s.cell = Some([
        [4.0 * a, 0.0, 0.0],
        [0.0, 2.0 * a, 0.0],
        [0.0, 0.0, 2.0 * a],
    ]);
    s.pbc = [true; 3];
    let r_cut = 5.0;
    let nl = neighbour_list(&s, r_cut).expect("valid structure");
    let avg = nl.num_pairs() as f64 / n as f64;
    let irreps = ir("16x0e+16x1o+16x2e");
    let spec = InteractionSpec::new(irreps.clone(), irreps.clone(), 3, r_cut, avg);
    let layer = InteractionLayer::new(spec, 1).expect("valid layer");
    let (din, dout) = (layer.irreps_in().dim(), layer.irreps_out().dim());
    let h = randn(&mut rng, n * din);
    let g = randn(&mut rng, n * dout);
    let mut ws = layer.workspace();
    let mut out = vec![0.0; n * dout];
    let (mut gh, mut gp) = (vec![0.0; n * din], vec![[0.0; 3]; n]);
    let mut group = c.benchmark_group("nn/interaction");
    group.bench_function("forward", |b| {
        b.iter(|| {
            layer.forward(&mut ws, &nl, &h, &mut out).expect("sizes");
            black_box(&out);
        })
    });
    group.bench_function("backward", |b| {
        b.iter(|| {
            layer
                .backward(&mut ws, &nl, &h, &g, &mut gh, &mut gp)
                .expect("sizes");
            black_box((&gh, &gp));
        })
    });
    group.finish();
}

criterion_group!(benches, tensor_product, linear, interaction);
criterion_main!(benches);
