"""Export a mace-torch 0.3.16 model to safetensors for the Rust MACE port (chapter 03).

Usage (from the repository root):
    PYTHONPATH=/opt/macepkgs:/opt/e3nn044 TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1 \\
        /opt/mavenv/bin/python tools/export_mace.py MODEL_FILE OUT.safetensors

MODEL_FILE is a pickled mace-torch model (the `.model` written by `mace_run_train`, read with
`torch.load`). The output holds
  * every `state_dict` tensor under its own name: floating tensors as F64, integer and bool buffers
    in their own dtype (atomic_numbers I64, num_interactions I64, radial_embedding.cutoff_fn.p I32,
    the `weights_*_zeroed` flags BOOL). The symmetric-contraction U matrices are buffers, so they are
    among these tensors (`products.T.symmetric_contractions.contractions.K.U_matrix_NU`);
  * a `__metadata__` entry "multiace": a JSON string with everything the state_dict does not hold
    (see `describe()`; notes §2.6).
The script reloads the file and checks that every tensor is bit-identical to the state_dict.
`export(model, path)` can be imported (tools/make_mace_fixtures.py does).
"""
import json
import sys

import torch


def _irr(x):
    return None if x is None else str(x)


def _instructions(tp):
    return [
        {
            "i_in1": ins.i_in1,
            "i_in2": ins.i_in2,
            "i_out": ins.i_out,
            "connection_mode": ins.connection_mode,
            "has_weight": ins.has_weight,
            "path_weight": ins.path_weight,
            "path_shape": list(ins.path_shape),
        }
        for ins in tp.instructions
    ]


def _n2m(act):
    """normalize2mom wrapper -> {function, cst}."""
    if act is None:
        return None
    f = getattr(act, "f", act)
    name = getattr(f, "__name__", type(f).__name__)
    return {"function": name, "cst": float(getattr(act, "cst", 1.0))}


def _linear(lin):
    return {
        "irreps_in": _irr(lin.irreps_in),
        "irreps_out": _irr(lin.irreps_out),
        "instructions": [
            {"i_in": i.i_in, "i_out": i.i_out, "path_shape": list(i.path_shape), "path_weight": i.path_weight}
            for i in lin.instructions
        ],
    }


def _tp(tp):
    return {
        "class": type(tp).__name__,
        "irreps_in1": _irr(tp.irreps_in1),
        "irreps_in2": _irr(tp.irreps_in2),
        "irreps_out": _irr(tp.irreps_out),
        "shared_weights": bool(tp.shared_weights),
        "weight_numel": int(tp.weight_numel),
        "irrep_normalization": getattr(tp, "irrep_normalization", None),
        "path_normalization": getattr(tp, "path_normalization", None),
        "instructions": _instructions(tp),
    }


def describe(model):
    import e3nn
    import mace

    sd = model.state_dict()
    re = model.radial_embedding
    meta = {
        "format": "multiace-mace-export-1",
        "source": {
            "mace_torch": getattr(mace, "__version__", "0.3.16"),
            "e3nn": e3nn.__version__,
            "torch": torch.__version__,
        },
        "model_class": type(model).__name__,
        "heads": list(getattr(model, "heads", ["Default"])),
        "atomic_numbers": [int(z) for z in model.atomic_numbers.tolist()],
        "atomic_energies": model.atomic_energies_fn.atomic_energies.double().tolist(),
        "r_max": float(model.r_max),
        "radial_type": type(re.bessel_fn).__name__,
        "num_bessel": int(re.out_dim),
        "num_polynomial_cutoff": int(re.cutoff_fn.p),
        "distance_transform": type(re.distance_transform).__name__ if hasattr(re, "distance_transform") else None,
        "apply_cutoff": bool(getattr(re, "apply_cutoff", True)),
        "cutoff_test": "strict r < r_max (envelope * (r < r_max))",
        "sh_irreps": _irr(model.spherical_harmonics.irreps_out),
        "sh_normalize": bool(model.spherical_harmonics.normalize),
        "sh_normalization": model.spherical_harmonics.normalization,
        "max_ell": int(model.spherical_harmonics.irreps_out.lmax),
        "num_interactions": int(model.num_interactions),
        "pair_repulsion": bool(getattr(model, "pair_repulsion", False)),
        "use_so3": bool(getattr(model, "use_so3", False)),
        "use_reduced_cg": bool(getattr(model, "use_reduced_cg", False)),
        "use_agnostic_product": bool(getattr(model, "use_agnostic_product", False)),
        "use_last_readout_only": bool(getattr(model, "use_last_readout_only", False)),
        "edge_vector": "pos[receiver] - pos[sender] + shift; edge_index[0]=sender, edge_index[1]=receiver "
        "(points from neighbour j to centre i); messages summed on the receiver",
        "node_embedding": _linear(model.node_embedding.linear),
        "interactions": [],
        "products": [],
        "readouts": [],
    }
    if type(model).__name__ == "ScaleShiftMACE":
        meta["scale"] = model.scale_shift.scale.double().reshape(-1).tolist()  # one per head
        meta["shift"] = model.scale_shift.shift.double().reshape(-1).tolist()
    else:
        meta["scale"] = None
        meta["shift"] = None
    n2m = {}
    for t, blk in enumerate(model.interactions):
        fc = blk.conv_tp_weights
        hs = [int(fc.layer0.weight.shape[0])] + [
            int(getattr(fc, f"layer{i}").weight.shape[1]) for i in range(len(list(fc.children())))
        ]
        acts = [_n2m(getattr(fc, f"layer{i}").act) for i in range(len(list(fc.children())))]
        for a in acts:
            if a is not None:
                n2m[a["function"]] = a["cst"]
        d = {
            "class": type(blk).__name__,
            "avg_num_neighbors": float(blk.avg_num_neighbors),
            "node_feats_irreps": _irr(blk.node_feats_irreps),
            "edge_attrs_irreps": _irr(blk.edge_attrs_irreps),
            "edge_feats_irreps": _irr(blk.edge_feats_irreps),
            "target_irreps": _irr(blk.target_irreps),
            "hidden_irreps": _irr(blk.hidden_irreps),
            "irreps_out": _irr(blk.irreps_out),
            "radial_mlp": hs,
            "radial_mlp_activations": acts,
            "radial_mlp_bias": False,
            "linear_up": _linear(blk.linear_up),
            "conv_tp": _tp(blk.conv_tp),
            "linear": _linear(blk.linear),
            "skip_tp": _tp(blk.skip_tp) if hasattr(blk, "skip_tp") else None,
            "skip_tp_on": "message (after linear, non-residual block)"
            if type(blk).__name__ == "RealAgnosticInteractionBlock"
            else "incoming node features (residual sc)",
        }
        meta["interactions"].append(d)
    for t, prod in enumerate(model.products):
        sc = prod.symmetric_contractions
        cons = []
        for k, c in enumerate(sc.contractions):
            nus = sorted(int(n.split("_")[-1]) for n, _ in c.named_buffers() if n.startswith("U_matrix_"))
            cons.append(
                {
                    "index": k,
                    "irrep_out": _irr(sc.irreps_out[k][1]) if hasattr(sc, "irreps_out") else None,
                    "correlation": max(nus),
                    "U_matrices": {
                        str(nu): {
                            "tensor": f"products.{t}.symmetric_contractions.contractions.{k}.U_matrix_{nu}",
                            "shape": list(getattr(c, f"U_matrix_{nu}").shape),
                        }
                        for nu in nus
                    },
                    "weights": {
                        str(nu): f"products.{t}.symmetric_contractions.contractions.{k}."
                        + ("weights_max" if nu == max(nus) else f"weights.{max(nus) - 1 - nu}")
                        for nu in nus
                    },
                }
            )
        meta["products"].append(
            {
                "use_sc": bool(prod.use_sc),
                "irreps_in": _irr(getattr(sc, "irreps_in", None)),
                "irreps_out": _irr(getattr(sc, "irreps_out", None)),
                "correlation": max(c["correlation"] for c in cons),
                "contractions": cons,
                "U_matrices_in_state_dict": True,
                "linear": _linear(prod.linear),
            }
        )
    for t, ro in enumerate(model.readouts):
        if hasattr(ro, "linear_1"):
            acts = [_n2m(a) for a in ro.non_linearity.acts]
            for a in acts:
                if a is not None:
                    n2m[a["function"]] = a["cst"]
            meta["readouts"].append(
                {
                    "class": type(ro).__name__,
                    "linear_1": _linear(ro.linear_1),
                    "MLP_irreps": _irr(ro.linear_1.irreps_out),
                    "gate": acts,
                    "linear_2": _linear(ro.linear_2),
                }
            )
        else:
            meta["readouts"].append({"class": type(ro).__name__, "linear": _linear(ro.linear)})
    nl = [r for r in meta["readouts"] if "MLP_irreps" in r]
    meta["MLP_irreps"] = nl[0]["MLP_irreps"] if nl else None
    meta["gate"] = nl[0]["gate"][0]["function"] if nl and nl[0]["gate"][0] else None
    meta["hidden_irreps"] = [_irr(p.linear.irreps_out) for p in model.products]
    meta["correlation"] = [p["correlation"] for p in meta["products"]]
    meta["interaction_classes"] = [d["class"] for d in meta["interactions"]]
    meta["avg_num_neighbors"] = [d["avg_num_neighbors"] for d in meta["interactions"]]
    meta["use_sc"] = [p["use_sc"] for p in meta["products"]]
    meta["normalize2mom"] = n2m
    meta["tensor_dtypes"] = "floating tensors stored as F64; integer/bool buffers in their own dtype"
    meta["state_dict_keys"] = list(sd.keys())
    return meta


def export(model, path):
    from safetensors.torch import load_file, save_file

    model = model.double().cpu()
    sd = model.state_dict()
    tensors = {}
    for k, v in sd.items():
        v = v.detach().cpu()
        if v.is_floating_point():
            v = v.to(torch.float64)
        tensors[k] = v.contiguous().clone()
    meta = describe(model)
    save_file(tensors, path, metadata={"multiace": json.dumps(meta)})
    # self-check: reload, compare every tensor bit for bit, and the metadata round trip
    back = load_file(path)
    assert set(back) == set(sd), set(back) ^ set(sd)
    for k, v in sd.items():
        w = back[k]
        assert tuple(w.shape) == tuple(v.shape), k
        if v.is_floating_point():
            assert w.dtype == torch.float64 and torch.equal(w, v.to(torch.float64)), k
        else:
            assert w.dtype == v.dtype and torch.equal(w, v), k
    from safetensors import safe_open

    with safe_open(path, "pt") as f:
        assert json.loads(f.metadata()["multiace"]) == json.loads(json.dumps(meta))
    return meta


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    model = torch.load(sys.argv[1], map_location="cpu", weights_only=False)
    meta = export(model, sys.argv[2])
    import os

    print(
        f"wrote {sys.argv[2]} ({os.path.getsize(sys.argv[2])} bytes, {len(meta['state_dict_keys'])} tensors, "
        f"{meta['model_class']}, Z={meta['atomic_numbers']}, avg_num_neighbors={meta['avg_num_neighbors']}); "
        "self-check passed"
    )


if __name__ == "__main__":
    main()
