package io.sigmaquant.controller.testing;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Hand-built {@code POST /api/runs} bodies, for tests that send what another HTTP client would. */
public final class MultipartBodies {
    public static final String BOUNDARY = "sigmaquant-test";
    public static final String CONTENT_TYPE = "multipart/form-data; boundary=" + BOUNDARY;

    private MultipartBodies() {
    }

    /** A run submission: the request as a form field, then the model as a file part. */
    public static byte[] run(String requestJson, byte[] model) {
        byte[] head = ("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"request\"\r\n\r\n"
                + requestJson + "\r\n--" + BOUNDARY
                + "\r\nContent-Disposition: form-data; name=\"model\"; filename=\"m.onnx\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8);
        byte[] tail = ("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] body = Arrays.copyOf(head, head.length + model.length + tail.length);
        System.arraycopy(model, 0, body, head.length, model.length);
        System.arraycopy(tail, 0, body, head.length + model.length, tail.length);
        return body;
    }
}
