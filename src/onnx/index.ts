export { toOnnx, toOnnxModel, ONNX_INPUT, ONNX_OUTPUTS, type ToOnnxOptions } from './export.js';
export { fromOnnx, onnxLinearForm, modelFromLinearForm } from './import.js';
export { linearForm, type LinearForm, type LinkKind } from './linear.js';
export {
  encodeModel,
  decodeModel,
  DataType,
  type OnnxModel,
  type OnnxGraph,
  type OnnxNode,
  type OnnxTensor,
  type OnnxAttribute,
  type OnnxValueInfo,
  type OnnxType,
} from './proto.js';
