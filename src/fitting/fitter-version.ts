/**
 * The version of the fitting methods. It goes into fit.json's request key, so a stored fit
 * made by methods that have since changed is fitted again instead of being reused by a
 * no-op resume. Bump it whenever a change alters what a fit returns for the same runs.
 *
 * 2: Approaches 1 and 2 fit L*(C) = E + k·C^(−γ) (docs/fitting.md, "The law of L*(C)").
 */
export const FITTER_VERSION = 2;
