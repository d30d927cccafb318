/**
 * The VAE explorer's interpolation, redrawn in the browser while its Steps slider is dragged.
 *
 * Mounted by the `vae_interpolation_strips` component (ui/live_vae.py). The server sends the two
 * codes (A, B), the two images and the decoder; the browser computes the path between the codes
 * and the pixel cross-fade with TensorFlow.js (as ae_models.latent_walks.interpolate_codes and
 * pixel_blend do), decodes the path, and paints both strips, at every step the slider shows.
 * Nothing is sent to the server until the slider is released.
 *
 * Test hook: window.aeLive.vaeInterpolation = {ready, decodes, steps, latentPixels, blendPixels},
 * and window.aeLive.vaeInterpolationInputs, the data the server sent.
 */
import {loadTensorFlow} from './load_tfjs.js';
import {cachedModel, mountLive, paintStrip, sliderValue, watchSliders} from './page_tools.js';

const hook = (globalThis.aeLive ??= {}).vaeInterpolation ??= {
  ready: false, decodes: 0, steps: null, latentPixels: null, blendPixels: null,
};

function pathCodes(tf, a, b, steps, spherical) {
  /* (steps, D) codes from a to b, both ends included: a straight line, or the great circle. */
  const t = tf.linspace(0, 1, steps).reshape([steps, 1]);
  const [va, vb] = [tf.tensor2d([a]), tf.tensor2d([b])];
  if (spherical) {
    const norms = va.norm().mul(vb.norm()).dataSync()[0];
    if (norms > 0) {
      const omega = Math.acos(Math.min(1, Math.max(-1, va.mul(vb).sum().dataSync()[0] / norms)));
      if (Math.sin(omega) > 1e-6) {
        return tf.sin(tf.scalar(1).sub(t).mul(omega)).mul(va)
          .add(tf.sin(t.mul(omega)).mul(vb)).div(Math.sin(omega));
      }
    }
  }
  return tf.scalar(1).sub(t).mul(va).add(t.mul(vb));
}

function crossFade(tf, imageA, imageB, steps) {
  /* (steps, 784) images fading from A to B: what a VAE's path is compared with. */
  const t = tf.linspace(0, 1, steps).reshape([steps, 1]);
  return tf.scalar(1).sub(t).mul(tf.tensor2d([imageA])).add(t.mul(tf.tensor2d([imageB])));
}

class InterpolationStrips {
  constructor(parent, setStateValue) {
    this.parent = parent;
    this.setStateValue = setStateValue;
    this.observer = new MutationObserver(() => this.redraw(sliderValue(this.data.sliderKey)));
    this.drawing = null;
  }

  async update(data) {
    this.data = data;
    globalThis.aeLive.vaeInterpolationInputs = data;  // what the parity test recomputes
    try {
      if (!data.decoder) {
        throw new Error(data.problem ?? 'no browser form of this model');
      }
      const {runModel} = await loadTensorFlow();
      this.decoder = await cachedModel(runModel, data.decoder);
      await this.draw(data.steps);
      hook.ready = true;
      this.parent.querySelector('.vae-strips').dataset.live = 'ready';
      watchSliders(this.observer, data.sliderKey);
      this.setStateValue('ready', data.decoder);
    } catch (error) {
      hook.ready = false;
      this.parent.querySelector('.vae-strips').dataset.live = 'off';
      this.setStateValue('ready', null);
      console.warn('live interpolation unavailable', error);
    }
  }

  redraw(steps) {
    /* The newest value only: while one drawing runs, a newer step count waits its turn. */
    if (!Number.isInteger(steps) || steps < 2 || steps === hook.steps) {
      return;
    }
    this.wanted = steps;
    if (!this.drawing) {
      this.drawing = this.draw(steps).finally(() => {
        this.drawing = null;
        if (this.wanted !== hook.steps) {
          this.redraw(this.wanted);
        }
      });
    }
  }

  async draw(steps) {
    const tf = globalThis.tf;
    const {codeA, codeB, imageA, imageB, spherical} = this.data;
    const [latent, blend] = tf.tidy(() => [
      this.decoder.predict(pathCodes(tf, codeA, codeB, steps, spherical)),
      crossFade(tf, imageA, imageB, steps)]);
    try {
      const [latentPixels, blendPixels] = await Promise.all([latent.data(), blend.data()]);
      paintStrip(this.parent.querySelector('.vae-latent canvas'), latentPixels, steps);
      paintStrip(this.parent.querySelector('.vae-blend canvas'), blendPixels, steps);
      Object.assign(hook, {decodes: hook.decodes + 1, steps, latentPixels, blendPixels});
    } finally {
      latent.dispose();
      blend.dispose();
    }
  }

  stop() {
    this.observer.disconnect();
  }
}

/** Mount (or update) the strips in `parentElement`; returns the cleanup for an unmount. */
export function mount({data, parentElement, setStateValue}) {
  parentElement.querySelector('.vae-latent .label').textContent = data.latentLabel;
  return mountLive(parentElement, () => new InterpolationStrips(parentElement, setStateValue), data);
}
