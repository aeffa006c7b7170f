package io.sigmaquant.controller.run;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.sigmaquant.controller.UserInputException;
import io.sigmaquant.protocol.StrictJson;
import java.io.IOException;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * Reads the {@code request} part of {@code POST /api/runs} as strictly as agents read jobs: unknown fields are
 * refused, integers are integers ({@code "batch": 1.5} is "batch must be an integer", not 1), and nothing is
 * coerced from another kind. Each refusal names the field.
 */
public final class RunRequestJson {
    private static final ObjectMapper JSON = StrictJson.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    private RunRequestJson() {
    }

    public static RunRequest parse(byte[] json) {
        try {
            RunRequest r = JSON.readValue(json, RunRequest.class);
            if (r == null) {
                throw new UserInputException("the request must be a JSON object, not null");
            }
            return r;
        } catch (UnrecognizedPropertyException e) {
            throw new UserInputException("the request has an unknown field '" + e.getPropertyName() + "'; known: "
                    + Arrays.stream(RunRequest.class.getRecordComponents()).map(c -> c.getName())
                    .collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = field(e);
            if (field.isEmpty()) {
                throw new UserInputException("the request must be a JSON object");
            }
            throw new UserInputException(field + " must be " + StrictJson.kind(e.getTargetType()));
        } catch (IOException e) {
            throw new UserInputException("the request is not valid JSON: "
                    + (e.getMessage() == null ? "unreadable" : e.getMessage().lines().findFirst().orElse("unreadable")));
        }
    }

    private static String field(JsonMappingException e) {
        return e.getPath().stream().map(JsonMappingException.Reference::getFieldName)
                .filter(n -> n != null).collect(Collectors.joining("."));
    }
}
