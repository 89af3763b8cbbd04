using System.Runtime.InteropServices;

namespace Medley.Torch.Native;

/// <summary>P/Invoke declarations for native/src/ops_nn.cpp, ops_loss.cpp and ops_rnn.cpp.</summary>
internal static unsafe partial class NativeMethods
{
    // convolution and pooling (spatial = 1, 2 or 3)
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_conv(int spatial, IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* dilation, long groups);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_conv_padmode(int spatial, IntPtr x, IntPtr w, IntPtr b, long* stride, [MarshalAs(UnmanagedType.LPUTF8Str)] string padding, long* dilation, long groups);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_conv_transpose(int spatial, IntPtr x, IntPtr w, IntPtr b, long* stride, long* padding, long* outputPadding, long groups, long* dilation);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_max_pool(int spatial, IntPtr x, long* kernel, long* stride, long* padding, long* dilation, int ceilMode);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_avg_pool(int spatial, IntPtr x, long* kernel, long* stride, long* padding, int ceilMode, int countIncludePad, long divisorOverride);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_adaptive_avg_pool(int spatial, IntPtr x, long* size);
    [DllImport(Lib)] internal static extern long mdl_nn_adaptive_max_pool(int spatial, IntPtr x, long* size, IntPtr* output);

    // resampling, padding, dropout, embedding
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_interpolate(IntPtr x, int mode, long* size, long nsize, double* scales, long nscales, int alignCorners);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_pad(IntPtr x, long* pad, long npad, [MarshalAs(UnmanagedType.LPUTF8Str)] string mode, double value);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_dropout(IntPtr x, double p, int train);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_feature_dropout(IntPtr x, double p, int train);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_embedding(IntPtr weight, IntPtr indices, long paddingIdx);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_one_hot(IntPtr x, long numClasses);

    // attention (native/src/ops_attention.cpp)
    [DllImport(Lib)] internal static extern IntPtr mdl_attention(IntPtr q, IntPtr k, IntPtr v, long heads);
    [DllImport(Lib)] internal static extern IntPtr mdl_attention_packed(IntPtr qkv, long heads);
    [DllImport(Lib)] internal static extern IntPtr mdl_attention_reference(IntPtr q, IntPtr k, IntPtr v, long heads);

    // normalisation
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_layer_norm(IntPtr x, long* shape, long ndim, IntPtr w, IntPtr b, double eps);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_batch_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr runningMean, IntPtr runningVar, int training, double momentum, double eps);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_group_norm(IntPtr x, long groups, IntPtr w, IntPtr b, double eps);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_instance_norm(IntPtr x, IntPtr w, IntPtr b, IntPtr runningMean, IntPtr runningVar, int useInputStats, double momentum, double eps);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_norm_keepdim(IntPtr x, double p, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_clamp_min(IntPtr x, double min);

    // activations
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_relu(IntPtr x);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_leaky_relu(IntPtr x, double slope);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_gelu(IntPtr x, int tanhApprox);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_sigmoid(IntPtr x);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_tanh(IntPtr x);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_silu(IntPtr x);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_softmax(IntPtr x, long dim);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_log_softmax(IntPtr x, long dim);

    // losses (reduction: 0 none, 1 mean, 2 sum)
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_cross_entropy(IntPtr x, IntPtr target, IntPtr weight, long reduction, long ignoreIndex, double labelSmoothing);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_nll_loss(IntPtr x, IntPtr target, IntPtr weight, long reduction, long ignoreIndex);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_bce_with_logits(IntPtr x, IntPtr target, IntPtr weight, IntPtr posWeight, long reduction);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_bce(IntPtr x, IntPtr target, IntPtr weight, long reduction);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_mse_loss(IntPtr x, IntPtr target, long reduction);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_l1_loss(IntPtr x, IntPtr target, long reduction);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_smooth_l1_loss(IntPtr x, IntPtr target, long reduction, double beta);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_cosine_similarity(IntPtr a, IntPtr b, long dim, double eps);

    // recurrent
    [DllImport(Lib)] internal static extern long mdl_nn_lstm(IntPtr x, IntPtr* hx, IntPtr* parameters, long nparams, int hasBiases, long layers, double dropout, int train, int bidirectional, int batchFirst, IntPtr* output);
    [DllImport(Lib)] internal static extern long mdl_nn_lstm_packed(IntPtr data, IntPtr batchSizes, IntPtr* hx, IntPtr* parameters, long nparams, int hasBiases, long layers, double dropout, int train, int bidirectional, IntPtr* output);
    [DllImport(Lib)] internal static extern long mdl_nn_gru(IntPtr x, IntPtr hx, IntPtr* parameters, long nparams, int hasBiases, long layers, double dropout, int train, int bidirectional, int batchFirst, IntPtr* output);
    [DllImport(Lib)] internal static extern long mdl_nn_gru_packed(IntPtr data, IntPtr batchSizes, IntPtr hx, IntPtr* parameters, long nparams, int hasBiases, long layers, double dropout, int train, int bidirectional, IntPtr* output);
    [DllImport(Lib)] internal static extern long mdl_nn_pack_padded(IntPtr x, IntPtr lengths, int batchFirst, IntPtr* output);
    [DllImport(Lib)] internal static extern long mdl_nn_pad_packed(IntPtr data, IntPtr batchSizes, int batchFirst, double paddingValue, long totalLength, IntPtr* output);
    [DllImport(Lib)] internal static extern IntPtr mdl_nn_index_select(IntPtr x, long dim, IntPtr index);
}
