/**
 * Keras's `Conv2DTranspose` (padding "same") for TensorFlow.js, as one convolution then
 * depth-to-space: the same numbers, about three times faster on the WebAssembly backend, whose
 * own transposed convolution is a plain loop (7.3 ms of the VAE decoder's 8.4).
 *
 * `ae_models.browser_export` writes such layers under this class name, with the kernel that
 * `ae_models.sub_pixel` rearranged into block_size x block_size phases along the output channels.
 * The class does no maths itself: it calls TensorFlow.js's fused `conv2d` (with the layer's bias
 * and activation), then moves each phase to its pixels as `depthToSpace` does, with a reshape
 * and a 4-D transpose: on the WebAssembly backend `depthToSpace` itself took 1.9 ms on the VAE's
 * 14x14x128 phases, the transpose 0.2.
 *
 * Needs the global `tf` (static/vendor/tfjs/tf.min.js) loaded first.
 */
const tf = globalThis.tf;

export class SubPixelConv2DTranspose extends tf.layers.Layer {
  static className = 'SubPixelConv2DTranspose';

  constructor(config) {
    super(config);
    this.filters = config.filters;
    this.blockSize = config.blockSize;
    this.kernelSize = config.kernelSize;
    this.padding = config.padding;  // [[top, bottom], [left, right]]
    this.useBias = config.useBias ?? true;
    this.activation = config.activation ?? 'linear';
  }

  build(inputShape) {
    const channels = inputShape[inputShape.length - 1];
    const phases = this.blockSize ** 2 * this.filters;
    const zeros = tf.initializers.zeros();
    const kernelShape = [...this.kernelSize, channels, phases];
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', zeros);
    this.bias = this.useBias ? this.addWeight('bias', [phases], 'float32', zeros) : null;
    this.built = true;
  }

  computeOutputShape(inputShape) {
    const [batch, height, width] = inputShape;
    const grow = (side) => (side == null ? null : side * this.blockSize);
    return [batch, grow(height), grow(width), this.filters];
  }

  call(inputs) {
    return tf.tidy(() => {
      const images = Array.isArray(inputs) ? inputs[0] : inputs;
      const phases = tf.fused.conv2d({
        x: images,
        filter: this.kernel.read(),
        strides: 1,
        pad: [[0, 0], ...this.padding, [0, 0]],
        bias: this.bias ? this.bias.read() : undefined,
        activation: this.activation,
      });
      if (this.blockSize === 1) {
        return phases;
      }
      // depthToSpace itself elsewhere: on the CPU backend it is the fast one (0.2 ms against
      // the transpose's 2.4).
      return tf.getBackend() === 'wasm' ? this.toPixels(phases)
        : tf.depthToSpace(phases, this.blockSize);
    });
  }

  /** (B, H, W, s*s*C) -> (B, H*s, W*s, C), channel (a*s + b)*C + c to pixel (a, b), as
   * depthToSpace. */
  toPixels(phases) {
    const [batch, height, width] = phases.shape;
    const s = this.blockSize;
    const rows = tf.reshape(phases, [batch * height, width, s, s * this.filters]);
    const interleaved = tf.transpose(rows, [0, 2, 1, 3]);  // (B*H, s, W, s*C)
    return tf.reshape(interleaved, [batch, height * s, width * s, this.filters]);
  }

  getConfig() {
    return {
      ...super.getConfig(),
      filters: this.filters,
      blockSize: this.blockSize,
      kernelSize: this.kernelSize,
      padding: this.padding,
      useBias: this.useBias,
      activation: this.activation,
    };
  }
}

tf.serialization.registerClass(SubPixelConv2DTranspose);
