package io.sigmaquant.controller.allocation;

import io.sigmaquant.controller.UserInputException;

/**
 * Turns a method name — {@code sigmaquant}, {@code sigmaquant-paper}, {@code exact} or {@code uniform:B} — into
 * an {@link Allocator}.
 */
public final class AllocatorChoice {
    private AllocatorChoice() {
    }

    /**
     * @param sigmaQuant         the SigmaQuant knobs when the method is {@code sigmaquant} or {@code sigmaquant-paper}
     * @param exactTimeLimitSecs CP-SAT's time limit when the method is {@code exact}
     * @param field              what the user called it ({@code --method}, {@code method}), for messages
     */
    public static Allocator parse(String method, SigmaQuantOptions sigmaQuant, double exactTimeLimitSecs, String field) {
        if (method == null || method.equals(SigmaQuantAllocator.NAME)) {
            return new SigmaQuantAllocator(sigmaQuant);
        }
        if (method.equals(SigmaQuantPaperAllocator.NAME)) {
            return new SigmaQuantPaperAllocator(sigmaQuant);
        }
        if (method.equals("exact")) {
            if (!(exactTimeLimitSecs > 0)) {
                throw new UserInputException("the CP-SAT time limit must be positive: " + exactTimeLimitSecs);
            }
            return new CpSatAllocator(exactTimeLimitSecs);
        }
        if (method.startsWith("uniform:")) {
            try {
                return new UniformAllocator(Integer.parseInt(method.substring("uniform:".length())));
            } catch (NumberFormatException e) {
                throw new UserInputException(field + " uniform:B needs an integer B, not '" + method + "'");
            }
        }
        throw new UserInputException(field + " must be sigmaquant, sigmaquant-paper, exact or uniform:B, not '" + method + "'");
    }
}
