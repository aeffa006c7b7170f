package io.sigmaquant.protocol;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.cfg.MutableCoercionConfig;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.function.Consumer;

/**
 * Jackson as every reader of outside JSON here uses it (the codec, the API's run request): integers are
 * integers — {@code 1.5} (or {@code 1.0}) for an int field is refused, not truncated — and no string, boolean or
 * number is turned into a field of another kind ({@code "2"} is not 2, {@code true} is not 1, {@code 5} is not
 * the text "5").
 */
public final class StrictJson {
    private StrictJson() {
    }

    public static JsonMapper.Builder builder() {
        return JsonMapper.builder()
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
                .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
                .withCoercionConfig(LogicalType.Integer, refuse(CoercionInputShape.String, CoercionInputShape.EmptyString,
                        CoercionInputShape.Float, CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Float, refuse(CoercionInputShape.String, CoercionInputShape.EmptyString,
                        CoercionInputShape.Boolean))
                .withCoercionConfig(LogicalType.Boolean, refuse(CoercionInputShape.String, CoercionInputShape.EmptyString,
                        CoercionInputShape.Integer, CoercionInputShape.Float))
                .withCoercionConfig(LogicalType.Textual, refuse(CoercionInputShape.Integer, CoercionInputShape.Float,
                        CoercionInputShape.Boolean));
    }

    /** What a value of a Java type must be in JSON, for a message naming a field: "an integer", "a number"... */
    public static String kind(Class<?> type) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return "an integer";
        }
        if (type == Double.class || type == double.class || type == Float.class || type == float.class) {
            return "a number";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "true or false";
        }
        return type == String.class ? "a string" : "a " + type.getSimpleName();
    }

    private static Consumer<MutableCoercionConfig> refuse(CoercionInputShape... shapes) {
        return c -> {
            for (CoercionInputShape shape : shapes) {
                c.setCoercion(shape, CoercionAction.Fail);
            }
        };
    }
}
