using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/tensor_core.cpp, ops_creation.cpp and ops_core.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    private const string Lib = NativeLoader.LibraryName;

    static NativeMethods()
    {
        NativeLoader.Register();
        // libtorch starts with one intra-op thread on some machines: use every core unless told otherwise.
        mdl_set_num_threads(Engine.DefaultThreadCount());
        if (MemoryPolicy.Applies(Environment.GetEnvironmentVariable))
            mdl_keep_freed_memory(MemoryPolicy.MmapThreshold, MemoryPolicy.TrimThreshold);
    }

    [DllImport(Lib)] internal static extern int mdl_keep_freed_memory(long mmapThreshold, long trimThreshold);

    // errors and lifetime
    [DllImport(Lib)] internal static extern IntPtr mdl_take_error();
    [DllImport(Lib)] internal static extern void mdl_free(IntPtr h);
    [DllImport(Lib)] internal static extern long mdl_live_tensors();

    // metadata
    [DllImport(Lib)] internal static extern long mdl_dim(IntPtr h);
    [DllImport(Lib)] internal static extern long mdl_numel(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_dtype(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_device_type(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_device_index(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_is_contiguous(IntPtr h);
    [DllImport(Lib)] internal static extern void mdl_shape(IntPtr h, long* output);
    [DllImport(Lib)] internal static extern void mdl_strides(IntPtr h, long* output);

    // data
    [DllImport(Lib)] internal static extern IntPtr mdl_from_blob(void* data, long* shape, long ndim, int dtype, int deviceType, int deviceIndex, int requiresGrad);
    [DllImport(Lib)] internal static extern int mdl_copy_to(IntPtr h, void* dst, long nbytes);
    [DllImport(Lib)] internal static extern IntPtr mdl_host_dense(IntPtr h, void** data);
    [DllImport(Lib)] internal static extern double mdl_item_double(IntPtr h);
    [DllImport(Lib)] internal static extern long mdl_item_long(IntPtr h);

    // runtime
    [DllImport(Lib)] internal static extern void mdl_set_num_threads(int n);
    [DllImport(Lib)] internal static extern int mdl_get_num_threads();
    [DllImport(Lib)] internal static extern void mdl_manual_seed(ulong seed);
    [DllImport(Lib)] internal static extern int mdl_set_grad_enabled(int enabled);
    [DllImport(Lib)] internal static extern int mdl_is_grad_enabled();
    [DllImport(Lib)] internal static extern IntPtr mdl_inference_mode_enter();
    [DllImport(Lib)] internal static extern void mdl_inference_mode_exit(IntPtr guard);
    [DllImport(Lib)] internal static extern int mdl_is_inference_mode();
    [DllImport(Lib)] internal static extern int mdl_is_inference(IntPtr h);
    [DllImport(Lib)] internal static extern IntPtr mdl_generator_new(ulong seed);
    [DllImport(Lib)] internal static extern void mdl_generator_free(IntPtr g);
    [DllImport(Lib)] internal static extern void mdl_generator_set_seed(IntPtr g, ulong seed);

    // autograd
    [DllImport(Lib)] internal static extern int mdl_requires_grad(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_set_requires_grad(IntPtr h, int value);
    [DllImport(Lib)] internal static extern int mdl_is_leaf(IntPtr h);
    [DllImport(Lib)] internal static extern IntPtr mdl_grad(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_set_grad(IntPtr h, IntPtr grad);
    [DllImport(Lib)] internal static extern int mdl_backward(IntPtr h, IntPtr gradient, int retainGraph, int createGraph);
    [DllImport(Lib)] internal static extern int mdl_retain_grad(IntPtr h);
    [DllImport(Lib)] internal static extern IntPtr mdl_detach(IntPtr h);
    [DllImport(Lib)] internal static extern int mdl_detach_(IntPtr h);
    [DllImport(Lib)] internal static extern IntPtr mdl_alias(IntPtr h);

    // creation (options: dtype, device type, device index, requires_grad)
    [DllImport(Lib)] internal static extern IntPtr mdl_empty(long* shape, long ndim, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_zeros(long* shape, long ndim, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_ones(long* shape, long ndim, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_full(long* shape, long ndim, double value, int isIntegral, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_arange(double start, double end, double step, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_linspace(double start, double end, long steps, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_eye(long n, long m, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_rand(long* shape, long ndim, IntPtr gen, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_randn(long* shape, long ndim, IntPtr gen, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_randint(long low, long high, long* shape, long ndim, IntPtr gen, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_randperm(long n, IntPtr gen, int dtype, int dt, int di, int rg);
    [DllImport(Lib)] internal static extern IntPtr mdl_zeros_like(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_ones_like(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_empty_like(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_full_like(IntPtr t, double value, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_rand_like(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_randn_like(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_uniform_(IntPtr t, double from, double to, IntPtr gen);
    [DllImport(Lib)] internal static extern int mdl_normal_(IntPtr t, double mean, double std, IntPtr gen);
    [DllImport(Lib)] internal static extern int mdl_bernoulli_(IntPtr t, double p, IntPtr gen);

    // core ops
    [DllImport(Lib)] internal static extern IntPtr mdl_clone(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_contiguous(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_to_dtype(IntPtr t, int dtype);
    [DllImport(Lib)] internal static extern IntPtr mdl_to_device(IntPtr t, int deviceType, int deviceIndex);
    [DllImport(Lib)] internal static extern int mdl_copy_(IntPtr dst, IntPtr src);
    [DllImport(Lib)] internal static extern int mdl_zero_(IntPtr t);
    [DllImport(Lib)] internal static extern int mdl_fill_(IntPtr t, double value, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_add(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mdl_sub(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern IntPtr mdl_mul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_div(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_add_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_sub_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_rsub_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_mul_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_div_scalar(IntPtr a, double s, int isIntegral);
    [DllImport(Lib)] internal static extern IntPtr mdl_neg(IntPtr a);
    [DllImport(Lib)] internal static extern int mdl_add_(IntPtr a, IntPtr b, double alpha);
    [DllImport(Lib)] internal static extern int mdl_mul_(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern int mdl_mul_scalar_(IntPtr a, double s);
    [DllImport(Lib)] internal static extern int mdl_add_scalar_(IntPtr a, double s);
    [DllImport(Lib)] internal static extern int mdl_addcmul_(IntPtr a, IntPtr t1, IntPtr t2, double value);
    [DllImport(Lib)] internal static extern int mdl_addcdiv_(IntPtr a, IntPtr t1, IntPtr t2, double value);
    [DllImport(Lib)] internal static extern int mdl_lerp_(IntPtr a, IntPtr end, double weight);
    [DllImport(Lib)] internal static extern int mdl_sqrt_(IntPtr a);
    [DllImport(Lib)] internal static extern int mdl_div_(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern int mdl_maximum_(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_matmul(IntPtr a, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_linear(IntPtr x, IntPtr w, IntPtr b);
    [DllImport(Lib)] internal static extern IntPtr mdl_sum_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_mean_all(IntPtr t);
    [DllImport(Lib)] internal static extern IntPtr mdl_reshape(IntPtr t, long* shape, long ndim);
    [DllImport(Lib)] internal static extern IntPtr mdl_view(IntPtr t, long* shape, long ndim);
}
