/**
 * Per-run training hyper-parameters from the config's rules (pure). Porian et al. (2024,
 * arXiv:2406.19146) show that scaling LR, batch size and AdamW β2 with model size and
 * horizon moves the fitted exponent substantially, so none of these is one constant.
 */
import type { TrainingConfig } from "../config/schema.js";
import type { TrainingHyper } from "../protocol/messages.js";

export interface HyperContext {
  nParams: number;
  nTokens: number;
  tokensPerSample: number;
  /** Torch threads available to one worker. */
  threads: number;
  /**
   * The calibrated rule η*(N) = c·N^−k for `lr: calibrate`; before the calibration stage has
   * run (`plan`) the built-in rule stands in for it.
   */
  lrRule?: { c: number; k: number } | null;
}

/** Rounds to the nearest power of two. */
function nearestPowerOfTwo(value: number): number {
  return Math.pow(2, Math.round(Math.log2(Math.max(1, value))));
}

/**
 * `auto` batch size: aim for ~1000 optimiser steps per run, as a power of two in [4, 64]
 * samples. Measured on the built-in GPT (2 cores): with ~200 steps the larger models of a
 * budget are starved of steps and every IsoFLOP curve falls to its smallest model; with
 * ~1000 the held-out loss at 1e12 FLOPs dropped 0.2-0.4 nats, most for the larger models.
 */
export function autoBatchSize(nTokens: number, tokensPerSample: number): number {
  const samples = nTokens / tokensPerSample;
  return Math.min(64, Math.max(4, nearestPowerOfTwo(samples / 1000)));
}

/** `auto` LR: lr_reference · (N / 1e5)^(-lr_exponent), kept within [1e-4, 3e-2]. */
export function autoLearningRate(training: Pick<TrainingConfig, "lr_reference" | "lr_exponent">, nParams: number): number {
  const lr = training.lr_reference * Math.pow(nParams / 1e5, -training.lr_exponent);
  return Math.min(3e-2, Math.max(1e-4, lr));
}

/** `auto` β2: 0.99 for small batches (< 16k tokens, Porian et al. 2024), else 0.95. */
export function autoBeta2(batchTokens: number): number {
  return batchTokens < 16384 ? 0.99 : 0.95;
}

/** The run's peak learning rate: fixed, the built-in rule, or the calibrated rule c·N^−k. */
export function learningRate(training: TrainingConfig, context: Pick<HyperContext, "nParams" | "lrRule">): number {
  if (typeof training.lr === "number") return training.lr;
  if (training.lr === "calibrate" && context.lrRule) return context.lrRule.c * Math.pow(context.nParams, -context.lrRule.k);
  return autoLearningRate(training, context.nParams);
}

export function resolveHyper(training: TrainingConfig, context: HyperContext): TrainingHyper {
  const batchSize = training.batch_size === "auto" ? autoBatchSize(context.nTokens, context.tokensPerSample) : training.batch_size;
  return {
    batch_size: batchSize,
    lr: learningRate(training, context),
    warmup_fraction: training.warmup_fraction,
    min_lr_fraction: training.min_lr_fraction,
    weight_decay: training.weight_decay,
    beta1: training.beta1,
    beta2: training.beta2 === "auto" ? autoBeta2(batchSize * context.tokensPerSample) : training.beta2,
    grad_clip: training.grad_clip,
    eval_tokens: training.eval_tokens,
    threads: training.threads === "auto" ? context.threads : training.threads,
    checkpoint_interval_s: training.checkpoint_interval_s,
    mixed_precision: training.mixed_precision,
    micro_batch_size: training.micro_batch_size === "auto" ? null : training.micro_batch_size,
    compile: training.compile,
  };
}
