/**
 * Keras's `Resizing` layer for TensorFlow.js: half-pixel centres, as Keras's resize computes.
 *
 * `ae_models.browser_export` writes Keras `Resizing` layers under this class name. TensorFlow.js's
 * own `Resizing` aligns corners and gets its output shape wrong when a batch axis is present, so
 * the decoders that upsample 4->7->14->28 would not load. This class does no maths itself: it
 * calls TensorFlow.js's resize ops with `halfPixelCenters` on.
 *
 * Needs the global `tf` (static/vendor/tfjs/tf.min.js) loaded first.
 */
const tf = globalThis.tf;

export class HalfPixelResizing extends tf.layers.Layer {
  static className = 'HalfPixelResizing';

  constructor(config) {
    super(config);
    this.height = config.height;
    this.width = config.width;
    this.interpolation = config.interpolation ?? 'bilinear';
    if (!['bilinear', 'nearest'].includes(this.interpolation)) {
      throw new Error(`HalfPixelResizing: unsupported interpolation ${this.interpolation}`);
    }
  }

  computeOutputShape(inputShape) {
    return [inputShape[0], this.height, this.width, inputShape[3]];
  }

  call(inputs) {
    return tf.tidy(() => {
      const images = Array.isArray(inputs) ? inputs[0] : inputs;
      const size = [this.height, this.width];
      const alignCorners = false;
      const halfPixelCenters = true;
      return this.interpolation === 'nearest'
        ? tf.image.resizeNearestNeighbor(images, size, alignCorners, halfPixelCenters)
        : tf.image.resizeBilinear(images, size, alignCorners, halfPixelCenters);
    });
  }

  getConfig() {
    return {
      ...super.getConfig(),
      height: this.height,
      width: this.width,
      interpolation: this.interpolation,
    };
  }
}

tf.serialization.registerClass(HalfPixelResizing);
