package io.sigmaquant.controller;

/**
 * Bad input from a user's file or flags: a model that is not ONNX, a config naming an unknown layer, data
 * that does not fit the model. Answered at the edge (one CLI line, an HTTP 4xx), never as a stack trace.
 */
public class UserInputException extends RuntimeException {
    public UserInputException(String message) {
        super(message);
    }

    public UserInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
