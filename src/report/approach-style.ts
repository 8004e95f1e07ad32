/** Colours and names of the three Chinchilla approaches, the same in every figure and table. */

export type ApproachKey = "1" | "2" | "3";

export const APPROACH_COLOR: Record<ApproachKey, string> = { "1": "#3ca951", "2": "#4269d0", "3": "#e8552f" };

export const APPROACH_NAME: Record<ApproachKey, string> = {
  "1": "Approach 1 (envelope)",
  "2": "Approach 2 (IsoFLOP parabolas)",
  "3": "Approach 3 (parametric L(N, D))",
};

export const APPROACH_KEYS: ApproachKey[] = ["1", "2", "3"];
