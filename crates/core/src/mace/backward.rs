//! The backward pass: `∂E/∂` of every intermediate of [`super::forward`], layer by layer in reverse,
//! down to ∂E/∂Y and ∂E/∂R per edge and from there to the forces. Loops write whole rows through
//! [`super::par`]; where an edge adds to its sender (the tensor product's input, the force on the
//! sender), the edge's part is written to its own row first and summed per atom afterwards, so no
//! two threads write the same row.

use super::model::{resize, MaceModel, MaceWorkspace};
use super::par::{rows1, rows3};

impl MaceModel {
    /// Fills `g_sh` and `g_ef` with ∂E/∂Y and ∂E/∂R per edge.
    pub(super) fn backward(&self, ws: &mut MaceWorkspace) {
        let n = ws.species.len();
        let n_e = ws.receivers.len();
        let n_layers = self.layers.len();
        ws.g_feats.resize(n_layers + 1, Vec::new());
        resize(
            &mut ws.g_feats[n_layers],
            n * self.layers[n_layers - 1].dim_out(),
        );
        resize(&mut ws.g_sh, n_e * (self.sh_lmax + 1) * (self.sh_lmax + 1));
        resize(&mut ws.g_ef, n_e * self.radial.len());
        for t in (0..n_layers).rev() {
            self.product_backward(ws, t);
            self.interaction_backward(ws, t);
        }
    }

    /// Readout, linear map and symmetric contraction of layer t, back to ∂E/∂A (`g_mid`).
    fn product_backward(&self, ws: &mut MaceWorkspace, t: usize) {
        let layer = &self.layers[t];
        let readout = &self.readouts[t];
        let n = ws.species.len();
        let (dout, dmid, dmsg) = (
            layer.dim_out(),
            layer.conv.dim_out(),
            layer.linear.dim_out(),
        );
        let (db, jl) = (layer.product.dim_out(), layer.product.jacobian_len());
        let hl = readout.hidden_len();
        let (par, species, scale) = (ws.par, &ws.species, self.scale);
        let lb = &ws.layers[t];
        let g_h_out = &mut ws.g_feats[t + 1];
        rows1(par, n, (g_h_out, dout), &mut [], |r, g, _| {
            for (k, i) in r.enumerate() {
                let hidden = &lb.hidden[i * hl..(i + 1) * hl];
                readout.backward(hidden, scale, &mut g[k * dout..(k + 1) * dout]);
            }
        });
        let g_h_out = &ws.g_feats[t + 1];
        resize(&mut ws.g_b, n * db);
        rows1(par, n, (&mut ws.g_b, db), &mut [], |r, g, _| {
            for (k, i) in r.enumerate() {
                let go = &g_h_out[i * dout..(i + 1) * dout];
                layer
                    .product_linear
                    .backward(go, &mut g[k * db..(k + 1) * db]);
            }
        });
        resize(&mut ws.g_msg, n * dmsg);
        resize(&mut ws.atom_scratch, dmsg.max(layer.product.scratch_len()));
        let g_b = &ws.g_b;
        rows1(
            par,
            n,
            (&mut ws.g_msg, dmsg),
            &mut ws.atom_scratch,
            |r, g, s| {
                for (k, i) in r.enumerate() {
                    let (jac, gb) = (&lb.jac[i * jl..(i + 1) * jl], &g_b[i * db..(i + 1) * db]);
                    layer
                        .product
                        .backward(jac, gb, s, &mut g[k * dmsg..(k + 1) * dmsg]);
                }
            },
        );
        resize(&mut ws.g_mid, n * dmid);
        let inv_avg = 1.0 / layer.avg_num_neighbors;
        let g_msg = &ws.g_msg;
        rows1(
            par,
            n,
            (&mut ws.g_mid, dmid),
            &mut ws.atom_scratch,
            |r, g, tmp| {
                for (k, i) in r.enumerate() {
                    let gm = &g_msg[i * dmsg..(i + 1) * dmsg];
                    let tmp = &mut tmp[..dmsg];
                    if layer.residual {
                        tmp.copy_from_slice(gm);
                    } else {
                        tmp.fill(0.0);
                        layer.skip.backward(species[i], gm, tmp);
                    }
                    tmp.iter_mut().for_each(|g| *g *= inv_avg);
                    layer.linear.backward(tmp, &mut g[k * dmid..(k + 1) * dmid]);
                }
            },
        );
    }

    /// The tensor product, the radial network and linear_up of layer t: ∂E/∂Y and ∂E/∂R per edge
    /// (added to `g_sh`, `g_ef`) and ∂E/∂h of the layer's input.
    fn interaction_backward(&self, ws: &mut MaceWorkspace, t: usize) {
        let layer = &self.layers[t];
        let n = ws.species.len();
        let n_e = ws.receivers.len();
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        let (din, dout, dmid) = (layer.dim_in(), layer.dim_out(), layer.conv.dim_out());
        let nw = layer.conv.weight_numel();
        let spe = layer.mlp.stash_per_edge();
        let par = ws.par;
        let (species, receivers, senders) = (&ws.species, &ws.receivers, &ws.senders);
        let (sh, g_mid) = (&ws.sh, &ws.g_mid);
        let lb = &ws.layers[t];
        // Per edge: ∂E/∂Y, ∂E/∂w and the sender's share of ∂E/∂h̃, each in the edge's own row.
        resize(&mut ws.g_tpw, n_e * nw);
        resize(&mut ws.g_hu_edge, n_e * din);
        let g_sh = (&mut ws.g_sh[..], n_sh);
        let g_hu_edge = (&mut ws.g_hu_edge[..], din);
        rows3(
            par,
            n_e,
            g_sh,
            (&mut ws.g_tpw, nw),
            g_hu_edge,
            &mut [],
            |r, gy, gw, gx, _| {
                for (k, e) in r.enumerate() {
                    let (i, j) = (receivers[e], senders[e]);
                    layer.conv.backward(
                        &lb.hu[j * din..(j + 1) * din],
                        &sh[e * n_sh..(e + 1) * n_sh],
                        &lb.tpw[e * nw..(e + 1) * nw],
                        &g_mid[i * dmid..(i + 1) * dmid],
                        &mut gx[k * din..(k + 1) * din],
                        &mut gy[k * n_sh..(k + 1) * n_sh],
                        &mut gw[k * nw..(k + 1) * nw],
                    );
                }
            },
        );
        // The radial network, in the blocks of edges the forward pass used (its stash is per block).
        let g_tpw = &ws.g_tpw;
        let mlp_scratch: &mut [f64] = if par {
            &mut []
        } else {
            resize(&mut ws.mlp_scratch, layer.mlp.scratch_len(n_e));
            &mut ws.mlp_scratch
        };
        rows1(par, n_e, (&mut ws.g_ef, nb), mlp_scratch, |r, g, s| {
            let need = layer.mlp.scratch_len(r.len());
            let mut own = Vec::new();
            let s = if s.len() >= need {
                s
            } else {
                own.resize(need, 0.0);
                &mut own[..]
            };
            let stash = &lb.stash[r.start * spe..r.end * spe];
            layer
                .mlp
                .backward(r.len(), stash, &g_tpw[r.start * nw..r.end * nw], g, s);
        });
        if t == 0 {
            return;
        }
        let (send_start, send_order) = (&ws.send_start, &ws.send_order);
        let g_hu_edge = &ws.g_hu_edge;
        resize(&mut ws.g_hu, n * din);
        rows1(par, n, (&mut ws.g_hu, din), &mut [], |r, g, _| {
            for (k, j) in r.enumerate() {
                let g = &mut g[k * din..(k + 1) * din];
                for &e in &send_order[send_start[j]..send_start[j + 1]] {
                    g.iter_mut()
                        .zip(&g_hu_edge[e * din..(e + 1) * din])
                        .for_each(|(a, b)| *a += b);
                }
            }
        });
        let g_hu = &ws.g_hu;
        let (before, after) = ws.g_feats.split_at_mut(t + 1);
        let (g_h, g_h_out) = (&mut before[t], &after[0]);
        resize(g_h, n * din);
        rows1(par, n, (g_h, din), &mut [], |r, g, _| {
            for (k, i) in r.enumerate() {
                let gh = &mut g[k * din..(k + 1) * din];
                layer.linear_up.backward(&g_hu[i * din..(i + 1) * din], gh);
                if layer.residual {
                    let go = &g_h_out[i * dout..(i + 1) * dout];
                    layer.skip.backward(species[i], go, gh);
                }
            }
        });
    }

    /// Chain rule from ∂E/∂Y and ∂E/∂R per edge to the forces: each edge's ∂E/∂v first, then per
    /// atom the sum over the edges it receives (−) and sends (+).
    pub(super) fn forces_from_edges(&self, ws: &mut MaceWorkspace, n: usize) -> Vec<[f64; 3]> {
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        let n_e = ws.receivers.len();
        let par = ws.par;
        ws.g_v.clear();
        ws.g_v.resize(n_e, [0.0; 3]);
        let (vectors, lengths, g_ef, def) = (&ws.vectors, &ws.lengths, &ws.g_ef, &ws.def);
        let (g_sh, sh_grad) = (&ws.g_sh, &ws.sh_grad);
        rows1(par, n_e, (&mut ws.g_v, 1), &mut [], |r, out, _| {
            for (k, e) in r.enumerate() {
                let (v, len) = (vectors[e], lengths[e]);
                let g_r: f64 = g_ef[e * nb..(e + 1) * nb]
                    .iter()
                    .zip(&def[e * nb..(e + 1) * nb])
                    .map(|(a, b)| a * b)
                    .sum();
                let mut g_v = [g_r * v[0] / len, g_r * v[1] / len, g_r * v[2] / len];
                for (g, d) in g_sh[e * n_sh..(e + 1) * n_sh]
                    .iter()
                    .zip(&sh_grad[e * n_sh..(e + 1) * n_sh])
                {
                    for c in 0..3 {
                        g_v[c] += g * d[c];
                    }
                }
                out[k] = g_v;
            }
        });
        // v = r_receiver − r_sender: ∂E/∂r_receiver += g_v, ∂E/∂r_sender −= g_v; F = −∂E/∂r.
        let mut forces = vec![[0.0; 3]; n];
        let (g_v, recv_start) = (&ws.g_v, &ws.recv_start);
        let (send_start, send_order) = (&ws.send_start, &ws.send_order);
        rows1(par, n, (&mut forces, 1), &mut [], |r, f, _| {
            for (k, i) in r.enumerate() {
                for g in &g_v[recv_start[i]..recv_start[i + 1]] {
                    (0..3).for_each(|c| f[k][c] -= g[c]);
                }
                for &e in &send_order[send_start[i]..send_start[i + 1]] {
                    (0..3).for_each(|c| f[k][c] += g_v[e][c]);
                }
            }
        });
        forces
    }
}
