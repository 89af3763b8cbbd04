// Fused recurrent layers (cuDNN on GPU) over a flat parameter list ordered like PyTorch's _flat_weights:
// per layer, per direction: w_ih, w_hh, [b_ih, b_hh]. Packed variants take (data, batch_sizes) from
// _pack_padded_sequence; sorting by length and restoring the order happen in NN/Functional.Rnn.cs.
#include "common.h"

// Writes (output, h_n, c_n) into out[3]. hx holds (h0, c0).
MDL_API int64_t mdl_nn_lstm(TensorHandle x, const TensorHandle* hx, const TensorHandle* params, int64_t nparams,
                            int has_biases, int64_t layers, double dropout, int train, int bidirectional,
                            int batch_first, TensorHandle* out) {
  MDL_TRY
  auto r = at::lstm(*x, mdl::tensor_list(hx, 2), mdl::tensor_list(params, nparams), has_biases != 0, layers, dropout,
                    train != 0, bidirectional != 0, batch_first != 0);
  return mdl::write_list({std::get<0>(r), std::get<1>(r), std::get<2>(r)}, out, 3);
  MDL_CATCH(-1)
}

MDL_API int64_t mdl_nn_lstm_packed(TensorHandle data, TensorHandle batch_sizes, const TensorHandle* hx,
                                   const TensorHandle* params, int64_t nparams, int has_biases, int64_t layers,
                                   double dropout, int train, int bidirectional, TensorHandle* out) {
  MDL_TRY
  auto r = at::lstm(*data, *batch_sizes, mdl::tensor_list(hx, 2), mdl::tensor_list(params, nparams), has_biases != 0,
                    layers, dropout, train != 0, bidirectional != 0);
  return mdl::write_list({std::get<0>(r), std::get<1>(r), std::get<2>(r)}, out, 3);
  MDL_CATCH(-1)
}

// Writes (output, h_n) into out[2].
MDL_API int64_t mdl_nn_gru(TensorHandle x, TensorHandle hx, const TensorHandle* params, int64_t nparams,
                           int has_biases, int64_t layers, double dropout, int train, int bidirectional,
                           int batch_first, TensorHandle* out) {
  MDL_TRY
  auto r = at::gru(*x, *hx, mdl::tensor_list(params, nparams), has_biases != 0, layers, dropout, train != 0,
                   bidirectional != 0, batch_first != 0);
  return mdl::write_list({std::get<0>(r), std::get<1>(r)}, out, 2);
  MDL_CATCH(-1)
}

MDL_API int64_t mdl_nn_gru_packed(TensorHandle data, TensorHandle batch_sizes, TensorHandle hx,
                                  const TensorHandle* params, int64_t nparams, int has_biases, int64_t layers,
                                  double dropout, int train, int bidirectional, TensorHandle* out) {
  MDL_TRY
  auto r = at::gru(*data, *batch_sizes, *hx, mdl::tensor_list(params, nparams), has_biases != 0, layers, dropout,
                   train != 0, bidirectional != 0);
  return mdl::write_list({std::get<0>(r), std::get<1>(r)}, out, 2);
  MDL_CATCH(-1)
}

// lengths: int64 CPU tensor sorted in decreasing order. Writes (data, batch_sizes) into out[2].
MDL_API int64_t mdl_nn_pack_padded(TensorHandle x, TensorHandle lengths, int batch_first, TensorHandle* out) {
  MDL_TRY
  auto r = at::_pack_padded_sequence(*x, *lengths, batch_first != 0);
  return mdl::write_list({std::get<0>(r), std::get<1>(r)}, out, 2);
  MDL_CATCH(-1)
}

// Writes (padded, lengths) into out[2]; total_length pads the time dimension up to that length.
MDL_API int64_t mdl_nn_pad_packed(TensorHandle data, TensorHandle batch_sizes, int batch_first, double padding_value,
                                  int64_t total_length, TensorHandle* out) {
  MDL_TRY
  auto r = at::_pad_packed_sequence(*data, *batch_sizes, batch_first != 0, padding_value, total_length);
  return mdl::write_list({std::get<0>(r), std::get<1>(r)}, out, 2);
  MDL_CATCH(-1)
}

// Reorders the batch (sorting by length and back).
MDL_API TensorHandle mdl_nn_index_select(TensorHandle x, int64_t dim, TensorHandle index) {
  MDL_TENSOR(at::index_select(*x, dim, *index))
}
