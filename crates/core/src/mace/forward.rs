//! The forward pass (steps 1–8 of [`super::model`]): edges, then each layer's interaction and
//! product. Every loop writes whole rows (per atom or per edge) through [`super::par`], so large
//! structures spread over threads and small ones run on one thread without allocating.

use super::model::{resize, MaceModel, MaceWorkspace};
use super::par::{rows1, rows2};
use super::MaceError;
use crate::so3::{spherical_harmonics_with_grad, Normalization};
use crate::structure::{neighbour_list, Structure};

impl MaceModel {
    /// Edges (receiver i ← sender j) within `r_max`, grouped by receiver (`recv_start`) and by
    /// sender (`send_order`, `send_start`), with their harmonics and radial embedding.
    pub(super) fn build_edges(
        &self,
        s: &Structure,
        ws: &mut MaceWorkspace,
    ) -> Result<(), MaceError> {
        let nl = neighbour_list(s, self.radial.r_max)
            .map_err(|e| MaceError::Structure(e.to_string()))?;
        let n = s.len();
        ws.receivers.clear();
        ws.senders.clear();
        ws.vectors.clear();
        ws.lengths.clear();
        ws.recv_start.clear();
        for i in 0..n {
            ws.recv_start.push(ws.receivers.len());
            for nb in nl.of(i) {
                ws.receivers.push(i);
                ws.senders.push(nb.j);
                ws.vectors
                    .push([-nb.vector[0], -nb.vector[1], -nb.vector[2]]);
                ws.lengths.push(nb.distance);
            }
        }
        let n_e = ws.receivers.len();
        ws.recv_start.push(n_e);
        // Counting sort of the edges by sender, for the sums over the edges an atom sends.
        ws.send_start.clear();
        ws.send_start.resize(n + 1, 0);
        for &j in &ws.senders {
            ws.send_start[j + 1] += 1;
        }
        for j in 0..n {
            ws.send_start[j + 1] += ws.send_start[j];
        }
        ws.send_order.clear();
        ws.send_order.resize(n_e, 0);
        let mut next = ws.send_start[..n].to_vec();
        for (e, &j) in ws.senders.iter().enumerate() {
            ws.send_order[next[j]] = e;
            next[j] += 1;
        }
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        resize(&mut ws.sh, n_e * n_sh);
        ws.sh_grad.clear();
        ws.sh_grad.resize(n_e * n_sh, [0.0; 3]);
        resize(&mut ws.ef, n_e * nb);
        resize(&mut ws.def, n_e * nb);
        let (par, vectors, lengths) = (ws.par, &ws.vectors, &ws.lengths);
        let lmax = self.sh_lmax;
        rows2(
            par,
            n_e,
            (&mut ws.sh, n_sh),
            (&mut ws.sh_grad, n_sh),
            &mut [],
            |r, y, g, _| {
                for (k, e) in r.enumerate() {
                    let rows = k * n_sh..(k + 1) * n_sh;
                    let (y, g) = (&mut y[rows.clone()], &mut g[rows]);
                    spherical_harmonics_with_grad(
                        lmax,
                        vectors[e],
                        Normalization::Component,
                        true,
                        y,
                        g,
                    );
                }
            },
        );
        rows2(
            par,
            n_e,
            (&mut ws.ef, nb),
            (&mut ws.def, nb),
            &mut [],
            |r, f, d, _| {
                for (k, e) in r.enumerate() {
                    let rows = k * nb..(k + 1) * nb;
                    self.radial
                        .evaluate(lengths[e], &mut f[rows.clone()], &mut d[rows]);
                }
            },
        );
        Ok(())
    }

    pub(super) fn forward(&self, ws: &mut MaceWorkspace, max_nu: usize) {
        let n = ws.species.len();
        let n_layers = self.layers.len();
        ws.feats.resize(n_layers + 1, Vec::new());
        ws.layers.resize(n_layers, Default::default());
        let c0 = self.embedding_dim;
        resize(&mut ws.feats[0], n * c0);
        for (i, &z) in ws.species.iter().enumerate() {
            ws.feats[0][i * c0..(i + 1) * c0]
                .copy_from_slice(&self.embedding[z * c0..(z + 1) * c0]);
        }
        for t in 0..n_layers {
            self.interaction_forward(ws, t);
            self.product_forward(ws, t, max_nu);
        }
    }

    /// Steps 1–5 of layer t: skip, linear_up, radial weights, the tensor product summed over each
    /// atom's incoming edges, and the message.
    fn interaction_forward(&self, ws: &mut MaceWorkspace, t: usize) {
        let layer = &self.layers[t];
        let n = ws.species.len();
        let n_e = ws.receivers.len();
        let n_sh = (self.sh_lmax + 1) * (self.sh_lmax + 1);
        let nb = self.radial.len();
        let (din, dout) = (layer.dim_in(), layer.dim_out());
        let (dmid, dmsg) = (layer.conv.dim_out(), layer.linear.dim_out());
        let nw = layer.conv.weight_numel();
        let spe = layer.mlp.stash_per_edge();
        let par = ws.par;
        let (species, senders, recv_start) = (&ws.species, &ws.senders, &ws.recv_start);
        let (sh, ef) = (&ws.sh, &ws.ef);
        let h = &ws.feats[t];
        let lb = &mut ws.layers[t];
        resize(&mut lb.sc, n * dout);
        if layer.residual {
            rows1(par, n, (&mut lb.sc, dout), &mut [], |r, sc, _| {
                for (k, i) in r.enumerate() {
                    let x = &h[i * din..(i + 1) * din];
                    layer
                        .skip
                        .forward(species[i], x, &mut sc[k * dout..(k + 1) * dout]);
                }
            });
        }
        resize(&mut lb.hu, n * din);
        rows1(par, n, (&mut lb.hu, din), &mut [], |r, hu, _| {
            for (k, i) in r.enumerate() {
                let x = &h[i * din..(i + 1) * din];
                layer.linear_up.forward(x, &mut hu[k * din..(k + 1) * din]);
            }
        });
        resize(&mut lb.stash, n_e * spe);
        resize(&mut lb.tpw, n_e * nw);
        rows2(
            par,
            n_e,
            (&mut lb.tpw, nw),
            (&mut lb.stash, spe),
            &mut [],
            |r, w, st, _| {
                let x = &ef[r.start * nb..r.end * nb];
                layer.mlp.forward(r.len(), x, st, w);
            },
        );
        resize(&mut lb.mid, n * dmid);
        let (hu, tpw) = (&lb.hu, &lb.tpw);
        rows1(par, n, (&mut lb.mid, dmid), &mut [], |r, mid, _| {
            for (k, i) in r.enumerate() {
                let out = &mut mid[k * dmid..(k + 1) * dmid];
                for e in recv_start[i]..recv_start[i + 1] {
                    let j = senders[e];
                    let (x, y) = (&hu[j * din..(j + 1) * din], &sh[e * n_sh..(e + 1) * n_sh]);
                    layer.conv.forward(x, y, &tpw[e * nw..(e + 1) * nw], out);
                }
            }
        });
        resize(&mut lb.msg, n * dmsg);
        resize(&mut ws.atom_scratch, dmsg.max(layer.product.scratch_len()));
        let inv_avg = 1.0 / layer.avg_num_neighbors;
        let mid = &lb.mid;
        rows1(
            par,
            n,
            (&mut lb.msg, dmsg),
            &mut ws.atom_scratch,
            |r, msg, tmp| {
                for (k, i) in r.enumerate() {
                    let msg = &mut msg[k * dmsg..(k + 1) * dmsg];
                    let a = &mid[i * dmid..(i + 1) * dmid];
                    if layer.residual {
                        layer.linear.forward(a, msg);
                        msg.iter_mut().for_each(|m| *m *= inv_avg);
                    } else {
                        let tmp = &mut tmp[..dmsg];
                        layer.linear.forward(a, tmp);
                        tmp.iter_mut().for_each(|m| *m *= inv_avg);
                        layer.skip.forward(species[i], tmp, msg);
                    }
                }
            },
        );
    }

    /// Steps 6–8 of layer t: the symmetric contraction, the linear map plus skip, the readout.
    fn product_forward(&self, ws: &mut MaceWorkspace, t: usize, max_nu: usize) {
        let layer = &self.layers[t];
        let readout = &self.readouts[t];
        let n = ws.species.len();
        let dout = layer.dim_out();
        let dmsg = layer.linear.dim_out();
        let (db, jl) = (layer.product.dim_out(), layer.product.jacobian_len());
        let par = ws.par;
        let species = &ws.species;
        let (_, after) = ws.feats.split_at_mut(t + 1);
        let h_out = &mut after[0];
        let lb = &mut ws.layers[t];
        resize(&mut lb.b, n * db);
        resize(&mut lb.jac, n * jl);
        let msg = &lb.msg;
        let scratch = &mut ws.atom_scratch;
        rows2(
            par,
            n,
            (&mut lb.b, db),
            (&mut lb.jac, jl),
            scratch,
            |r, b, jac, s| {
                for (k, i) in r.enumerate() {
                    layer.product.forward(
                        species[i],
                        &msg[i * dmsg..(i + 1) * dmsg],
                        max_nu,
                        s,
                        &mut b[k * db..(k + 1) * db],
                        &mut jac[k * jl..(k + 1) * jl],
                    );
                }
            },
        );
        resize(h_out, n * dout);
        let (b, sc) = (&lb.b, &lb.sc);
        rows1(par, n, (h_out, dout), &mut [], |r, o, _| {
            for (k, i) in r.enumerate() {
                let o = &mut o[k * dout..(k + 1) * dout];
                layer.product_linear.forward(&b[i * db..(i + 1) * db], o);
                if layer.residual {
                    o.iter_mut()
                        .zip(&sc[i * dout..(i + 1) * dout])
                        .for_each(|(a, b)| *a += b);
                }
            }
        });
        let hl = readout.hidden_len();
        resize(&mut lb.hidden, n * hl);
        resize(&mut lb.energies, n);
        let h_out = &after[0];
        rows2(
            par,
            n,
            (&mut lb.hidden, hl),
            (&mut lb.energies, 1),
            &mut [],
            |r, hid, e, _| {
                for (k, i) in r.enumerate() {
                    let x = &h_out[i * dout..(i + 1) * dout];
                    e[k] = readout.forward(x, &mut hid[k * hl..(k + 1) * hl]);
                }
            },
        );
    }
}
