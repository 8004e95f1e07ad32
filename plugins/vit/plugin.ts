// Built-in plugin: a small vision transformer on scikit-learn's bundled 8x8 digits
// (offline), or CIFAR-10 when its python batches are on disk. Size parameter: width.
import { definePlugin, z } from "flops-fit";

export default definePlugin({
  name: "vit",
  description: "Vision transformer on sklearn's 8x8 digits (offline) or local CIFAR-10",
  model: {
    target: "plugins.vit.model:ViT",
    sizeParam: "width",
    sizeValues: { min: 8, max: 256, count: 24, multiple_of: 4 },
    options: z.object({
      depth: z.number().int().positive().default(2),
      heads: z.number().int().positive().default(2),
      // The data source suggests a patch size (2 for 8x8 digits, 4 for 32x32 CIFAR) unless set here.
      patch_size: z.number().int().positive().optional(),
      mlp_ratio: z.number().positive().default(2),
      // image_size, channels and num_classes come from the data source unless set here.
      image_size: z.number().int().positive().optional(),
      channels: z.number().int().positive().optional(),
      num_classes: z.number().int().positive().optional(),
    }),
  },
  data: {
    target: "plugins.vit.data:Digits",
    options: z.object({ heldout_fraction: z.number().gt(0).lt(0.5).default(0.2) }).loose(),
  },
  loss: { target: "flops_fit_worker.losses:cross_entropy" },
  flops: "measured",
});
