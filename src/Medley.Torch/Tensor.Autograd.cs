using Medley.Torch.Native;

namespace Medley.Torch;

/// <summary>Autograd surface: requires_grad, backward, grad, detach.</summary>
public partial class Tensor
{
    public bool RequiresGrad
    {
        get => NativeMethods.mdl_requires_grad(Handle) != 0;
        set => Errors.Check(NativeMethods.mdl_set_requires_grad(Handle, value ? 1 : 0), "RequiresGrad", this);
    }

    /// <summary>Sets requires_grad and returns this tensor (for chaining).</summary>
    public Tensor RequiresGrad_(bool value = true)
    {
        RequiresGrad = value;
        return this;
    }

    public bool IsLeaf => NativeMethods.mdl_is_leaf(Handle) != 0;

    /// <summary>True for tensors created under inference mode (they can't be used where autograd records).</summary>
    public bool IsInference => NativeMethods.mdl_is_inference(Handle) != 0;

    /// <summary>
    /// The accumulated gradient as a new handle sharing its storage, or null when none has been computed.
    /// Setting it replaces the gradient (null clears it).
    /// </summary>
    public Tensor? Grad
    {
        get
        {
            var h = NativeMethods.mdl_grad(Handle);
            if (h != IntPtr.Zero) return new Tensor(h);
            Errors.ThrowIfPending("Grad", this);
            return null;
        }
        set => Errors.Check(NativeMethods.mdl_set_grad(Handle, value?.Handle ?? IntPtr.Zero), "Grad", this, value);
    }

    /// <summary>
    /// Computes gradients of this tensor w.r.t. graph leaves. A non-scalar needs <paramref name="gradient"/>.
    /// As in torch, the graph is kept when <paramref name="retainGraph"/> says so and, by default, whenever
    /// <paramref name="createGraph"/> is set (a second backward through the gradients needs it).
    /// </summary>
    public void Backward(Tensor? gradient = null, bool? retainGraph = null, bool createGraph = false) =>
        Errors.Check(NativeMethods.mdl_backward(Handle, gradient?.Handle ?? IntPtr.Zero, (retainGraph ?? createGraph) ? 1 : 0, createGraph ? 1 : 0),
            "Backward", this, gradient);

    /// <summary>Keeps the gradient of a non-leaf tensor after backward.</summary>
    public void RetainGrad() => Errors.Check(NativeMethods.mdl_retain_grad(Handle), "RetainGrad", this);

    /// <summary>Clears the accumulated gradient (set to none, as PyTorch's zero_grad(set_to_none=True)).</summary>
    public void ZeroGrad() => Errors.Check(NativeMethods.mdl_set_grad(Handle, IntPtr.Zero), "ZeroGrad", this);

    /// <summary>A new tensor sharing storage but cut from the graph.</summary>
    public Tensor Detach() => Errors.Wrap(NativeMethods.mdl_detach(Handle), "Detach", this);

    /// <summary>Cuts this tensor from the graph in place.</summary>
    public Tensor Detach_()
    {
        Errors.Check(NativeMethods.mdl_detach_(Handle), "Detach_", this);
        return this;
    }

    /// <summary>Another handle to the same tensor (same storage and autograd identity), owned separately.</summary>
    public Tensor Alias() => Errors.Wrap(NativeMethods.mdl_alias(Handle), "Alias", this);
}
