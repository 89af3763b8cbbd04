"""Reference values for the general tensor ops (shape, indexing, math, reductions, linear algebra, activations).

Each case stores its inputs as NAME.in0, NAME.in1, ..., its result as NAME.out (or NAME.out0, NAME.out1, ... for
tuples) and, for differentiable ops, the gradient of sum(w * out) (out0 for tuples) with respect to chosen inputs as
NAME.grad<i>, with the weights as NAME.w. The C# tests (OpsShapeTests, OpsIndexTests, OpsMathTests, OpsReduceTests)
run the same op on the same inputs. Run with /usr/bin/python3 (Debian's python3-torch 1.13).
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_io import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Medley.Torch.Tests", "Fixtures")
torch.manual_seed(1234)
F64 = torch.float64


def rn(*shape, dtype=F64):
    return torch.randn(*shape, dtype=F64).to(dtype)


def pos(*shape):
    return torch.rand(*shape, dtype=F64) * 2 + 0.1


def case(store, name, fn, inputs, grad=()):
    for i, x in enumerate(inputs):
        store[f"{name}.in{i}"] = x
    xs = [x.clone().requires_grad_(True) if i in grad else x for i, x in enumerate(inputs)]
    out = fn(*xs)
    if isinstance(out, (tuple, list)):
        for j, o in enumerate(out):
            store[f"{name}.out{j}"] = o
        first = out[0]
    else:
        store[f"{name}.out"] = out
        first = out
    if grad:
        w = torch.randn(first.shape, dtype=F64).to(first.dtype)
        store[f"{name}.w"] = w
        (first * w).sum().backward()
        for i in grad:
            store[f"{name}.grad{i}"] = xs[i].grad


def shape_cases():
    s = {}
    x234 = rn(2, 3, 4)
    case(s, "permute", lambda x: x.permute(2, 0, 1), [x234], (0,))
    case(s, "transpose_neg", lambda x: x.transpose(-1, 0), [x234], (0,))
    case(s, "t", lambda x: x.t(), [rn(3, 4)], (0,))
    case(s, "squeeze_all", lambda x: x.squeeze(), [rn(1, 3, 1, 2)], (0,))
    case(s, "squeeze_dim", lambda x: x.squeeze(-2), [rn(1, 3, 1, 2)], (0,))
    case(s, "unsqueeze", lambda x: x.unsqueeze(-1), [rn(2, 3)], (0,))
    case(s, "expand", lambda x: x.expand(2, 3, 4), [rn(3, 1)], (0,))
    case(s, "expand_keep", lambda x: x.expand(-1, 5), [rn(3, 1)], (0,))
    case(s, "expand_as", lambda x, y: x.expand_as(y), [rn(3, 1), rn(2, 3, 4)], (0,))
    case(s, "flatten", lambda x: x.flatten(), [x234], (0,))
    case(s, "flatten_from1", lambda x: x.flatten(1), [x234], (0,))
    case(s, "unflatten", lambda x: x.unflatten(1, (3, -1)), [rn(2, 12)], (0,))
    case(s, "repeat", lambda x: x.repeat(2, 1, 2), [rn(2, 3)], (0,))
    case(s, "cat0", lambda a, b: torch.cat([a, b], 0), [rn(2, 3), rn(4, 3)], (0, 1))
    case(s, "cat_neg", lambda a, b: torch.cat([a, b], -1), [rn(2, 3), rn(2, 1)], (0, 1))
    case(s, "cat_int64", lambda a, b: torch.cat([a, b], 0), [torch.arange(3), torch.arange(5, 7)])
    case(s, "stack1", lambda a, b: torch.stack([a, b], 1), [rn(2, 3), rn(2, 3)], (0, 1))
    case(s, "split", lambda x: x.split(2), [rn(5, 3)], (0,))
    case(s, "split_sizes", lambda x: x.split([1, 2], dim=-1), [rn(4, 3)], (0,))
    case(s, "chunk", lambda x: x.chunk(3, dim=0), [rn(5, 3)], (0,))
    case(s, "unbind", lambda x: x.unbind(1), [rn(2, 3)], (0,))
    case(s, "narrow", lambda x: x.narrow(1, 1, 3), [rn(4, 5)], (0,))
    case(s, "select", lambda x: x.select(1, -1), [rn(3, 4)], (0,))
    case(s, "slice_step", lambda x: x[1:5:2], [rn(6, 4)], (0,))
    case(s, "slice_neg", lambda x: x[:, -3:], [rn(6, 4)], (0,))
    case(s, "flip", lambda x: x.flip(0, -1), [x234], (0,))
    case(s, "roll_dim", lambda x: x.roll(2, 1), [rn(3, 4)], (0,))
    case(s, "roll_flat", lambda x: x.roll(3), [rn(3, 4)], (0,))
    case(s, "roll_multi", lambda x: x.roll((1, -1), (0, 1)), [rn(3, 4)], (0,))
    case(s, "tril", lambda x: x.tril(-1), [rn(4, 4)], (0,))
    case(s, "triu", lambda x: x.triu(1), [rn(2, 3, 4)], (0,))
    return s


def index_cases():
    s = {}
    x34 = rn(3, 4)
    mask34 = torch.rand(3, 4) > 0.5
    idx = torch.tensor([2, 0, 2])
    gidx = torch.randint(0, 4, (3, 2))
    case(s, "index_select", lambda x, i: x.index_select(1, i), [x34, idx], (0,))
    case(s, "masked_select", lambda x, m: x.masked_select(m), [x34, mask34], (0,))
    case(s, "masked_select_bcast", lambda x, m: x.masked_select(m), [x34, torch.tensor([True, False, True, True])], (0,))
    case(s, "masked_fill", lambda x, m: x.masked_fill(m, -1.5), [x34, mask34], (0,))
    case(s, "masked_fill_int", lambda x, m: x.masked_fill(m, 7), [torch.arange(12).view(3, 4), mask34])
    case(s, "gather", lambda x, i: x.gather(1, i), [x34, gidx], (0,))
    sidx = torch.tensor([[0, 1, 2, 0], [2, 0, 1, 1]])
    case(s, "scatter", lambda x, i, src: x.scatter(0, i, src), [rn(3, 4), sidx, rn(2, 4)], (0, 2))
    case(s, "scatter_value", lambda x, i: x.scatter(0, i, 7.0), [rn(3, 4), sidx], (0,))
    case(s, "scatter_add", lambda x, i, src: x.scatter_add(0, i, src), [rn(3, 4), sidx, rn(2, 4)], (0, 2))
    case(s, "index_long", lambda x, i: x[i], [x34, torch.tensor([-1, 0, 0])], (0,))
    case(s, "index_mask_rows", lambda x, m: x[m], [x34, torch.tensor([True, False, True])], (0,))
    case(s, "index_mask_full", lambda x, m: x[m], [x34, mask34], (0,))
    case(s, "index_ints", lambda x: x[1, -1], [rn(3, 4, 5)], (0,))
    case(s, "indexer_neg", lambda x: x[-2], [rn(3, 4)], (0,))

    def put_mask(x, m):
        y = x.clone()
        y[m] = 3.0
        return y
    case(s, "index_put_mask", put_mask, [x34, mask34])

    def put_accumulate(x, i, v):
        return x.clone().index_put_((i,), v, accumulate=True)
    case(s, "index_put_acc", put_accumulate, [x34, torch.tensor([0, 2, 0]), rn(3, 4)])
    case(s, "nonzero", lambda x: x.nonzero(), [torch.tensor([[0, 1.5, 0], [2, 0, -1]], dtype=F64)])
    cond = torch.rand(3, 4) > 0.5
    case(s, "where", lambda c, a, b: torch.where(c, a, b), [cond, rn(3, 4), rn(4)], (1, 2))
    case(s, "where_scalar", lambda c, a: torch.where(c, a, torch.tensor(-2.0, dtype=F64)), [cond, rn(3, 4)], (1,))
    return s


def math_cases():
    s = {}
    x = rn(3, 4)
    p = pos(3, 4)
    halves = torch.tensor([-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.2, -0.7], dtype=F64)
    unary = {
        "abs": (lambda t: t.abs(), x), "sqrt": (lambda t: t.sqrt(), p), "rsqrt": (lambda t: t.rsqrt(), p),
        "exp": (lambda t: t.exp(), x), "log": (lambda t: t.log(), p), "log1p": (lambda t: t.log1p(), p),
        "expm1": (lambda t: t.expm1(), x), "sin": (lambda t: t.sin(), x), "cos": (lambda t: t.cos(), x),
        "sign": (lambda t: t.sign(), x), "reciprocal": (lambda t: t.reciprocal(), p),
        "square": (lambda t: t.square(), x), "erf": (lambda t: t.erf(), x),
        "erfinv": (lambda t: t.erfinv(), torch.rand(3, 4, dtype=F64) * 1.8 - 0.9),
        "relu": (lambda t: t.relu(), x), "sigmoid": (lambda t: t.sigmoid(), x), "tanh": (lambda t: t.tanh(), x),
        "silu": (lambda t: torch.nn.functional.silu(t), x),
        "hardswish": (lambda t: torch.nn.functional.hardswish(t), x * 3),
        "leaky_relu": (lambda t: torch.nn.functional.leaky_relu(t, 0.2), x),
        "gelu": (lambda t: torch.nn.functional.gelu(t), x),
        "gelu_tanh": (lambda t: torch.nn.functional.gelu(t, approximate="tanh"), x),
        "softplus": (lambda t: torch.nn.functional.softplus(t * 3, beta=2, threshold=5), x),
        "elu": (lambda t: torch.nn.functional.elu(t, 0.5), x),
        "softmax": (lambda t: t.softmax(-1), x), "log_softmax": (lambda t: t.log_softmax(0), x),
        "pow_scalar": (lambda t: t.pow(2.5), p), "clamp": (lambda t: t.clamp(-0.5, 0.5), x),
        "clamp_min": (lambda t: t.clamp(min=0.0), x), "nan_to_num_plain": (lambda t: t.nan_to_num(), x),
    }
    for name, (fn, inp) in unary.items():
        case(s, name, fn, [inp], (0,))
    case(s, "relu_f32", lambda t: t.relu(), [rn(2, 3, dtype=torch.float32)], (0,))
    case(s, "floor", lambda t: t.floor(), [halves])
    case(s, "ceil", lambda t: t.ceil(), [halves])
    case(s, "round", lambda t: t.round(), [halves])
    case(s, "pow_int", lambda t: t.pow(2), [torch.arange(-3, 4)])
    case(s, "pow_tensor", lambda a, b: a.pow(b), [p, rn(4)], (0, 1))
    case(s, "clamp_int", lambda t: t.clamp(1, 3), [torch.arange(-2, 6)])
    case(s, "clamp_tensor", lambda t, lo, hi: t.clamp(lo, hi), [x, torch.full((4,), -0.3, dtype=F64), torch.full((3, 1), 0.4, dtype=F64)], (0,))
    case(s, "minimum", lambda a, b: torch.minimum(a, b), [x, rn(4)], (0, 1))
    case(s, "maximum", lambda a, b: torch.maximum(a, b), [x, rn(4)], (0, 1))
    case(s, "lerp", lambda a, b: a.lerp(b, 0.3), [x, rn(3, 4)], (0, 1))
    case(s, "lerp_tensor", lambda a, b, w: a.lerp(b, w), [x, rn(3, 4), torch.rand(4, dtype=F64)], (0, 1, 2))
    case(s, "remainder", lambda a, b: a.remainder(b), [x * 5, torch.tensor([1.5, -2.0, 0.7, -0.3], dtype=F64)])
    case(s, "remainder_scalar", lambda a: a.remainder(-1.5), [x * 5])
    case(s, "remainder_int", lambda a: a.remainder(3), [torch.arange(-5, 6)])
    case(s, "floor_divide", lambda a, b: a.floor_divide(b), [x * 5, torch.tensor([1.5, -2.0, 0.7, -0.3], dtype=F64)])
    case(s, "floor_divide_int", lambda a, b: a.floor_divide(b), [torch.arange(-5, 6), torch.tensor(3)])
    case(s, "floor_divide_scalar", lambda a: a.floor_divide(2), [torch.arange(-5, 6)])
    case(s, "addcmul", lambda a, b, c: a.addcmul(b, c, value=0.5), [x, rn(3, 4), rn(4)], (0, 1, 2))
    case(s, "addcdiv", lambda a, b, c: a.addcdiv(b, c, value=-2), [x, rn(3, 4), p], (0, 1, 2))
    ba, bb = torch.rand(3, 4) > 0.5, torch.rand(4) > 0.5
    case(s, "logical_and", lambda a, b: a.logical_and(b), [ba, bb])
    case(s, "logical_or", lambda a, b: a.logical_or(b), [ba, bb])
    case(s, "logical_xor", lambda a, b: a.logical_xor(b), [ba, bb])
    case(s, "logical_not", lambda a: a.logical_not(), [torch.tensor([0.0, 1.5, -2.0, 0.0], dtype=F64)])
    case(s, "logical_not_u8", lambda a: a.logical_not(), [torch.tensor([0, 1, 2, 0], dtype=torch.uint8)])
    odd = torch.tensor([1.0, float("nan"), float("inf"), -float("inf"), -3.0], dtype=F64)
    case(s, "isnan", lambda a: a.isnan(), [odd])
    case(s, "isinf", lambda a: a.isinf(), [odd])
    case(s, "isfinite", lambda a: a.isfinite(), [odd])
    case(s, "nan_to_num", lambda a: a.nan_to_num(0.5, 100.0, -100.0), [odd])
    case(s, "nan_to_num_default", lambda a: a.nan_to_num(), [odd.float()])
    for op in ["eq", "ne", "lt", "le", "gt", "ge"]:
        a = torch.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]], dtype=F64)
        case(s, f"{op}_tensor", lambda a, b, op=op: getattr(a, op)(b), [a, torch.tensor([2.0, 2.0, 2.0], dtype=F64)])
        case(s, f"{op}_scalar", lambda a, op=op: getattr(a, op)(2.0), [a])
        case(s, f"{op}_int", lambda a, op=op: getattr(a, op)(2), [torch.tensor([1, 2, 3])])
    # linear algebra
    case(s, "mm", lambda a, b: a.mm(b), [rn(3, 4), rn(4, 2)], (0, 1))
    case(s, "bmm", lambda a, b: a.bmm(b), [rn(2, 3, 4), rn(2, 4, 5)], (0, 1))
    case(s, "baddbmm", lambda c, a, b: c.baddbmm(a, b, beta=0.5, alpha=2), [rn(2, 3, 5), rn(2, 3, 4), rn(2, 4, 5)], (0, 1, 2))
    case(s, "outer", lambda a, b: a.outer(b), [rn(3), rn(4)], (0, 1))
    case(s, "dot", lambda a, b: a.dot(b), [rn(5), rn(5)], (0, 1))
    case(s, "einsum_bmm", lambda a, b: torch.einsum("bij,bjk->bik", a, b), [rn(2, 3, 4), rn(2, 4, 5)], (0, 1))
    case(s, "einsum_diag", lambda a: torch.einsum("ii->i", a), [rn(4, 4)], (0,))
    case(s, "einsum_outer", lambda a, b: torch.einsum("i,j->ij", a, b), [rn(3), rn(2)], (0, 1))
    return s


def reduce_cases():
    s = {}
    x = rn(3, 4, 5)
    case(s, "sum_dims_keep", lambda t: t.sum((0, 2), keepdim=True), [x], (0,))
    case(s, "sum_neg", lambda t: t.sum(-1), [x], (0,))
    case(s, "sum_f32", lambda t: t.sum(1), [rn(3, 4, dtype=torch.float32)], (0,))
    case(s, "sum_int", lambda t: t.sum(0), [torch.arange(12).view(3, 4)])
    case(s, "sum_bool", lambda t: t.sum(), [torch.tensor([True, False, True])])
    case(s, "mean_keep", lambda t: t.mean(1, keepdim=True), [x], (0,))
    case(s, "mean_dims", lambda t: t.mean((0, -1)), [x], (0,))
    case(s, "var_all", lambda t: t.var(), [x], (0,))
    case(s, "var_dim", lambda t: t.var(1, unbiased=False, keepdim=True), [x], (0,))
    case(s, "var_corr", lambda t: t.var((0, 2), correction=0), [x], (0,))
    case(s, "std_all", lambda t: t.std(), [x], (0,))
    case(s, "std_dim", lambda t: t.std(-1), [x], (0,))
    case(s, "std_dims", lambda t: t.std((0, 1), unbiased=True, keepdim=True), [x], (0,))
    case(s, "max_all", lambda t: t.max(), [x], (0,))
    case(s, "min_all", lambda t: t.min(), [x], (0,))
    case(s, "max_dim", lambda t: tuple(t.max(1, keepdim=True)), [x], (0,))
    case(s, "min_dim", lambda t: tuple(t.min(-1)), [x], (0,))
    case(s, "max_u8", lambda t: t.max(), [torch.tensor([3, 250, 7], dtype=torch.uint8)])
    case(s, "amax", lambda t: t.amax((0, 2)), [x], (0,))
    case(s, "amin", lambda t: t.amin(1, keepdim=True), [x], (0,))
    case(s, "argmax_all", lambda t: t.argmax(), [x])
    case(s, "argmax_dim", lambda t: t.argmax(1, keepdim=True), [x])
    case(s, "argmin_dim", lambda t: t.argmin(-1), [x])
    case(s, "prod_all", lambda t: t.prod(), [rn(2, 3)], (0,))
    case(s, "prod_dim", lambda t: t.prod(1), [x], (0,))
    case(s, "logsumexp", lambda t: t.logsumexp((1, 2)), [x], (0,))
    case(s, "logsumexp_keep", lambda t: t.logsumexp(0, keepdim=True), [x], (0,))
    case(s, "norm_all", lambda t: t.norm(), [x], (0,))
    case(s, "norm_p1", lambda t: t.norm(1, dim=(1,), keepdim=True), [x], (0,))
    case(s, "norm_inf", lambda t: t.norm(float("inf"), dim=-1), [x], (0,))
    case(s, "norm_dims", lambda t: t.norm(2, dim=(0, 2)), [x], (0,))
    b = torch.rand(3, 4) > 0.3
    case(s, "all_all", lambda t: t.all(), [b])
    case(s, "all_dim", lambda t: t.all(1), [b])
    case(s, "any_dim", lambda t: t.any(0, keepdim=True), [b])
    case(s, "any_all", lambda t: t.any(), [torch.zeros(3)])
    case(s, "cumsum", lambda t: t.cumsum(1), [x], (0,))
    case(s, "cumsum_int", lambda t: t.cumsum(0), [torch.arange(6)])
    case(s, "cumprod", lambda t: t.cumprod(-1), [x], (0,))
    case(s, "topk", lambda t: tuple(t.topk(3)), [x], (0,))
    case(s, "topk_small", lambda t: tuple(t.topk(2, dim=0, largest=False)), [x], (0,))
    case(s, "sort_desc", lambda t: tuple(t.sort(1, descending=True)), [x], (0,))
    case(s, "sort_int", lambda t: tuple(t.sort(stable=True)), [torch.tensor([3, 1, 2, 1, 3, 0])])
    case(s, "argsort", lambda t: t.argsort(0), [x])
    u = torch.tensor([[3, 1, 2], [1, 3, 5]])
    case(s, "unique", lambda t: torch.unique(t), [u])
    case(s, "unique_counts", lambda t: torch.unique(t, return_inverse=True, return_counts=True), [u])
    z = torch.tensor([[0.0, 1.0, 0.0], [2.0, 0.0, 3.0]], dtype=F64)
    case(s, "count_nonzero", lambda t: t.count_nonzero(), [z])
    case(s, "count_nonzero_dim", lambda t: t.count_nonzero(1), [z])
    case(s, "count_nonzero_u8", lambda t: t.count_nonzero(0), [torch.tensor([[0, 1], [2, 0], [3, 4]], dtype=torch.uint8)])
    case(s, "bincount", lambda t, w: t.bincount(w, minlength=6), [torch.tensor([0, 1, 1, 4, 2]), rn(5)])
    return s


if __name__ == "__main__":
    for fname, build in [("ops_shape", shape_cases), ("ops_index", index_cases), ("ops_math", math_cases),
                         ("ops_reduce", reduce_cases)]:
        tensors = build()
        save(os.path.join(OUT, fname + ".safetensors"), tensors)
        print(fname, len(tensors), "tensors")
