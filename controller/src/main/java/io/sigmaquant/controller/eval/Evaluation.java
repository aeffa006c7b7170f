package io.sigmaquant.controller.eval;

/** Top-1 accuracy over labelled samples, in percent. */
public record Evaluation(int samples, int correct, double top1) {
    public static Evaluation of(int samples, int correct) {
        return new Evaluation(samples, correct, samples == 0 ? 0 : 100.0 * correct / samples);
    }
}
