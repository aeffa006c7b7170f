package io.sigmaquant.controller.data;

import ai.onnx.proto.OnnxMl.ModelProto;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.controller.model.OnnxModels;

/**
 * How pixels become model input: {@code input = (pixel·scale − mean) / std}.
 *
 * @param source where the values came from: "metadata", "flags", or "default"
 */
public record Preprocessing(double scale, double mean, double std, String source) {
    public static final String KEY_SCALE = "sigmaquant.preprocess.scale";
    public static final String KEY_MEAN = "sigmaquant.preprocess.mean";
    public static final String KEY_STD = "sigmaquant.preprocess.std";

    public Preprocessing {
        if (!(std > 0) || !Double.isFinite(scale) || !Double.isFinite(mean)) {
            throw new UserInputException("preprocessing needs a finite scale and mean and std > 0 (got scale "
                    + scale + ", mean " + mean + ", std " + std + ")");
        }
    }

    /**
     * The model's preprocessing from its metadata_props, each value overridden by a non-null flag. Without
     * either, pixels are scaled to [0, 1].
     */
    public static Preprocessing resolve(ModelProto model, Double scale, Double mean, Double std) {
        String ms = OnnxModels.metadata(model, KEY_SCALE);
        String mm = OnnxModels.metadata(model, KEY_MEAN);
        String md = OnnxModels.metadata(model, KEY_STD);
        boolean flags = scale != null || mean != null || std != null;
        boolean meta = ms != null || mm != null || md != null;
        double s = scale != null ? scale : parse(ms, KEY_SCALE, 1.0 / 255.0);
        double m = mean != null ? mean : parse(mm, KEY_MEAN, 0.0);
        double d = std != null ? std : parse(md, KEY_STD, 1.0);
        return new Preprocessing(s, m, d, flags ? "flags" : meta ? "metadata" : "default");
    }

    private static double parse(String value, String key, double fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Double.parseDouble(value.strip());
        } catch (NumberFormatException e) {
            throw new UserInputException("model metadata " + key + " is not a number: '" + value + "'");
        }
    }

    public float apply(int pixel) {
        return (float) ((pixel * scale - mean) / std);
    }
}
