package io.sigmaquant.agent.measure;

import io.sigmaquant.profiles.ExecutionProvider;
import java.util.List;

/**
 * Which execution provider the agent measures with: the one asked for, or the CPU when the loaded ONNX Runtime
 * cannot give it.
 *
 * @param available what the loaded ONNX Runtime offers, by ONNX Runtime's names ({@code CPU}, {@code CUDA},
 *                  {@code TENSOR_RT}, …)
 * @param warning   null when {@code used} is what was asked for; else one line saying why not and what to do
 */
public record ProviderChoice(ExecutionProvider requested, ExecutionProvider used, List<String> available,
                             String warning) {
    public ProviderChoice {
        available = List.copyOf(available);
        if ((requested == used) != (warning == null)) {
            throw new IllegalArgumentException("a fallback, and only a fallback, carries a warning");
        }
    }

    /** The provider in use by ONNX Runtime's name, as the capabilities and results report it. */
    public String usedName() {
        return OrtProviders.ortName(used);
    }
}
