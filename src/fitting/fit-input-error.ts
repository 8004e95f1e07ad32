/**
 * The one error fitScalingLaws throws: an invalid *option* (a caller's mistake, such as a
 * confidence of 1.2). Problems with the *data* (no points, a negative loss, too few
 * budgets) never throw: they come back as exclusions and warnings in the FitResult.
 */
export class FitInputError extends Error {
  /** The option at fault, as a field path (e.g. "confidence", "predict[2]"). */
  readonly field: string;

  constructor(field: string, message: string) {
    super(`invalid ${field}: ${message}`);
    this.name = "FitInputError";
    this.field = field;
  }
}
